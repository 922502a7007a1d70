/* gst-workers: flightlink's link to the vehicle, UDP or serial
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include "flightlink-transport.h"

/* the longest a heartbeat may wait for room on a serial line */
#define HEARTBEAT_WRITE_TIMEOUT_US (100 * G_TIME_SPAN_MILLISECOND)
#define READ_BUFFER_SIZE 65536

struct _FlightLinkTransport
{
  GSocket *socket;              /* UDP; or */
  gint serial_fd;               /* a serial device */
  gchar *name;                  /* "UDP 127.0.0.1:14550", or the device */
  gint bound_port;
  GSocketAddress *fixed_peer;   /* remote-address:remote-port, or NULL */
  GCancellable *read_cancel;    /* wakes the reader */
  GCancellable *write_cancel;   /* wakes a command waiting for room */
  guint8 *read_buf;             /* the reader's */
};

static FlightLinkTransport *
transport_new (void)
{
  FlightLinkTransport *t = g_new0 (FlightLinkTransport, 1);

  t->serial_fd = -1;
  t->read_cancel = g_cancellable_new ();
  t->write_cancel = g_cancellable_new ();
  t->read_buf = g_malloc (READ_BUFFER_SIZE);
  return t;
}

static const struct
{
  guint baud;
  speed_t speed;
} bauds[] = {
  {9600, B9600}, {19200, B19200}, {38400, B38400}, {57600, B57600},
  {115200, B115200}, {230400, B230400}, {460800, B460800},
  {500000, B500000}, {921600, B921600}, {1000000, B1000000},
  {1500000, B1500000}, {2000000, B2000000}, {3000000, B3000000},
};

/**
 * flight_link_transport_open_serial:
 * @debug: (out): debug text of the error
 *
 * Opens @device raw, 8N1, no flow control, at @baud.
 */
FlightLinkTransport *
flight_link_transport_open_serial (const gchar * device, guint baud,
    GError ** error, gchar ** debug)
{
  FlightLinkTransport *t;
  struct termios tio;
  speed_t speed = 0;
  guint i;
  gint fd, err;

  for (i = 0; i < G_N_ELEMENTS (bauds); i++)
    if (bauds[i].baud == baud)
      speed = bauds[i].speed;
  if (!speed) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Unsupported baud rate %u for serial device %s.", baud, device);
    *debug = g_strdup ("supported: 9600, 19200, 38400, 57600, 115200, "
        "230400, 460800, 500000, 921600, 1000000, 1500000, 2000000, "
        "3000000");
    return NULL;
  }

  fd = open (device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    err = errno;
    if (err == ENOENT)
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
          "Serial device %s does not exist.", device);
    else
      g_set_error (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_READ_WRITE,
          "Could not open serial device %s: %s.", device, g_strerror (err));
    *debug = g_strdup_printf ("open: %s", g_strerror (err));
    return NULL;
  }

  if (tcgetattr (fd, &tio) < 0) {
    err = errno;
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "%s is not a serial device.", device);
    *debug = g_strdup_printf ("tcgetattr: %s", g_strerror (err));
    close (fd);
    return NULL;
  }
  cfmakeraw (&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~CRTSCTS;
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  if (cfsetispeed (&tio, speed) < 0 || cfsetospeed (&tio, speed) < 0 ||
      tcsetattr (fd, TCSANOW, &tio) < 0) {
    err = errno;
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Could not set serial device %s to %u baud, raw.", device, baud);
    *debug = g_strdup_printf ("termios: %s", g_strerror (err));
    close (fd);
    return NULL;
  }
  tcflush (fd, TCIOFLUSH);

  t = transport_new ();
  t->serial_fd = fd;
  t->name = g_strdup (device);
  return t;
}

static GSocketAddress *
resolve_address (const gchar * host, gint port, const gchar * what,
    GError ** error, gchar ** debug)
{
  GInetAddress *inet = g_inet_address_new_from_string (host);
  GSocketAddress *addr;

  if (!inet) {
    GResolver *resolver = g_resolver_get_default ();
    GError *err = NULL;
    GList *list = g_resolver_lookup_by_name (resolver, host, NULL, &err);

    g_object_unref (resolver);
    if (!list) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
          "Could not resolve the %s %s.", what, host);
      *debug = g_strdup (err->message);
      g_clear_error (&err);
      return NULL;
    }
    inet = g_object_ref (list->data);
    g_resolver_free_addresses (list);
  }
  addr = g_inet_socket_address_new (inet, port);
  g_object_unref (inet);
  return addr;
}

/**
 * flight_link_transport_open_udp:
 * @debug: (out): debug text of the error
 *
 * Binds @address:@port (0: any free port); @remote_address and
 * @remote_port, set together or not at all, are the fixed peer.
 */
FlightLinkTransport *
flight_link_transport_open_udp (const gchar * address, gint port,
    const gchar * remote_address, gint remote_port, GError ** error,
    gchar ** debug)
{
  FlightLinkTransport *t;
  GSocketAddress *bind_addr, *local, *fixed_peer = NULL;
  GSocket *socket;
  GError *err = NULL;
  gint bound_port;

  bind_addr = resolve_address (address, port, "address", error, debug);
  if (!bind_addr)
    return NULL;

  if (remote_address && remote_port) {
    fixed_peer = resolve_address (remote_address, remote_port,
        "remote address", error, debug);
    if (!fixed_peer) {
      g_object_unref (bind_addr);
      return NULL;
    }
  } else if (remote_address || remote_port) {
    g_set_error_literal (error, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_SETTINGS,
        "remote-address and remote-port must be set together.");
    *debug = g_strdup_printf ("remote-address %s, remote-port %d",
        GST_STR_NULL (remote_address), remote_port);
    g_object_unref (bind_addr);
    return NULL;
  }

  socket = g_socket_new (g_socket_address_get_family (bind_addr),
      G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &err);
  if (!socket) {
    g_set_error (error, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_OPEN_READ_WRITE,
        "Could not create a UDP socket for %s:%d.", address, port);
    goto fail;
  }
  /* no SO_REUSEADDR: a port in use is an error, not a silent share */
  if (!g_socket_bind (socket, bind_addr, FALSE, &err)) {
    if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
      g_set_error (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_READ_WRITE,
          "Could not bind to UDP %s:%d: the port is in use.", address, port);
    else
      g_set_error (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_OPEN_READ_WRITE,
          "Could not bind to UDP %s:%d: %s.", address, port, err->message);
    g_object_unref (socket);
    goto fail;
  }
  g_socket_set_blocking (socket, FALSE);

  local = g_socket_get_local_address (socket, NULL);
  bound_port = local ?
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) : port;
  g_clear_object (&local);
  g_object_unref (bind_addr);

  t = transport_new ();
  t->socket = socket;
  t->bound_port = bound_port;
  t->fixed_peer = fixed_peer;
  t->name = g_strdup_printf ("UDP %s:%d", address, bound_port);
  return t;

fail:
  *debug = g_strdup (err->message);
  g_clear_error (&err);
  g_object_unref (bind_addr);
  g_clear_object (&fixed_peer);
  return NULL;
}

void
flight_link_transport_free (FlightLinkTransport * t)
{
  if (!t)
    return;
  if (t->socket) {
    g_socket_close (t->socket, NULL);
    g_clear_object (&t->socket);
  }
  if (t->serial_fd >= 0)
    close (t->serial_fd);
  g_clear_object (&t->fixed_peer);
  g_clear_object (&t->read_cancel);
  g_clear_object (&t->write_cancel);
  g_free (t->read_buf);
  g_free (t->name);
  g_free (t);
}

/**
 * flight_link_transport_name:
 *
 * Returns: "UDP ADDRESS:PORT" or the serial device, for messages
 */
const gchar *
flight_link_transport_name (FlightLinkTransport * t)
{
  return t->name;
}

/**
 * flight_link_transport_is_datagram:
 *
 * Returns: %TRUE over UDP: a datagram is a unit, and writes need a peer
 */
gboolean
flight_link_transport_is_datagram (FlightLinkTransport * t)
{
  return t->socket != NULL;
}

gint
flight_link_transport_bound_port (FlightLinkTransport * t)
{
  return t->bound_port;
}

/**
 * flight_link_transport_fixed_peer:
 *
 * Returns: (transfer none) (nullable): remote-address:remote-port
 */
GSocketAddress *
flight_link_transport_fixed_peer (FlightLinkTransport * t)
{
  return t->fixed_peer;
}

/* Waits until @fd is ready for @events, @cancel is cancelled (returns
 * FALSE with G_IO_ERROR_CANCELLED) or @timeout_us passes (-1: no timeout;
 * returns FALSE with G_IO_ERROR_TIMED_OUT). */
static gboolean
wait_fd (gint fd, gushort events, GCancellable * cancel, gint64 timeout_us,
    GError ** error)
{
  GPollFD fds[2] = { {fd, events, 0}, {-1, G_IO_IN, 0} };
  guint n = 1;
  gint timeout_ms = timeout_us < 0 ? -1 : (gint) (timeout_us / 1000);
  gint r;

  if (g_cancellable_make_pollfd (cancel, &fds[1]))
    n = 2;
  do {
    r = g_poll (fds, n, timeout_ms);
  } while (r < 0 && errno == EINTR);
  if (n == 2)
    g_cancellable_release_fd (cancel);

  if (g_cancellable_set_error_if_cancelled (cancel, error))
    return FALSE;
  if (r == 0) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "timed out");
    return FALSE;
  }
  return TRUE;
}

/**
 * flight_link_transport_read:
 * @from: (out) (transfer full) (optional): UDP: the sender
 * @data: (out) (transfer none): the bytes read, valid until the next read
 *
 * Reads what the link has: one datagram (UDP) or what the device has
 * (serial). Only one thread reads.
 *
 * Returns: the number of bytes, or -1 with G_IO_ERROR_CANCELLED when woken
 * (flight_link_transport_wake_reader()), or another error
 */
gssize
flight_link_transport_read (FlightLinkTransport * t, GSocketAddress ** from,
    const guint8 ** data, GError ** error)
{
  *data = t->read_buf;
  if (t->socket) {
    gssize n;

    for (;;) {
      n = g_socket_receive_from (t->socket, from, (gchar *) t->read_buf,
          READ_BUFFER_SIZE, t->read_cancel, error);
      if (n >= 0 || !g_error_matches (*error, G_IO_ERROR,
              G_IO_ERROR_WOULD_BLOCK))
        return n;
      g_clear_error (error);
      if (!g_socket_condition_wait (t->socket, G_IO_IN, t->read_cancel,
              error))
        return -1;
    }
  }

  for (;;) {
    gssize n;

    if (!wait_fd (t->serial_fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
            t->read_cancel, -1, error))
      return -1;
    n = read (t->serial_fd, t->read_buf, READ_BUFFER_SIZE);
    if (n > 0)
      return n;
    if (n == 0) {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
          "the device was closed");
      return -1;
    }
    if (errno != EAGAIN && errno != EINTR) {
      gint err = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (err),
          g_strerror (err));
      return -1;
    }
  }
}

/**
 * flight_link_transport_write:
 * @peer: UDP: where to (ignored on a serial line)
 * @may_block: wait for room (a command; woken by
 *   flight_link_transport_set_write_flushing()); otherwise give up when the
 *   link is busy (a heartbeat)
 *
 * Writes one frame. The caller serialises writes.
 */
gboolean
flight_link_transport_write (FlightLinkTransport * t, const guint8 * data,
    gsize len, GSocketAddress * peer, gboolean may_block, GError ** error)
{
  if (t->socket) {
    for (;;) {
      gssize n = g_socket_send_to (t->socket, peer, (const gchar *) data,
          len, NULL, error);

      if (n >= 0)
        return TRUE;
      if (!may_block || !g_error_matches (*error, G_IO_ERROR,
              G_IO_ERROR_WOULD_BLOCK))
        return FALSE;
      g_clear_error (error);
      if (!g_socket_condition_wait (t->socket, G_IO_OUT, t->write_cancel,
              error))
        return FALSE;
    }
  }

  while (len > 0) {
    gssize n = write (t->serial_fd, data, len);

    if (n > 0) {
      data += n;
      len -= n;
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      gint err = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (err),
          g_strerror (err));
      return FALSE;
    }
    /* a heartbeat waits a little: a frame cut short would be garbage */
    if (!wait_fd (t->serial_fd, G_IO_OUT, t->write_cancel,
            may_block ? -1 : HEARTBEAT_WRITE_TIMEOUT_US, error))
      return FALSE;
  }
  return TRUE;
}

/**
 * flight_link_transport_wake_reader:
 *
 * Makes a read under way (or the next one) return G_IO_ERROR_CANCELLED,
 * until flight_link_transport_rearm_reader(). Any thread.
 */
void
flight_link_transport_wake_reader (FlightLinkTransport * t)
{
  g_cancellable_cancel (t->read_cancel);
}

void
flight_link_transport_rearm_reader (FlightLinkTransport * t)
{
  g_cancellable_reset (t->read_cancel);
}

/**
 * flight_link_transport_set_write_flushing:
 *
 * Wakes a write waiting for room (it fails with G_IO_ERROR_CANCELLED), and
 * makes the next ones fail the same way, until unset.
 */
void
flight_link_transport_set_write_flushing (FlightLinkTransport * t,
    gboolean flushing)
{
  if (flushing)
    g_cancellable_cancel (t->write_cancel);
  else
    g_cancellable_reset (t->write_cancel);
}
