/* gst-workers: one end of a process replica's socket
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A SOCK_SEQPACKET unix socket carries one message per datagram (see
 * gstprocwire.h); a stream socket (TCP: a child on the network) carries
 * the same messages one after the other, each found by its header's
 * length, with every buffer's bytes inline (no descriptors cross there). Frames do not cross as bytes: a memory backed by a file
 * descriptor (GstFdMemory, as the shared-memory allocator makes) crosses as
 * that descriptor (SCM_RIGHTS) and is lent until the peer says RELEASE;
 * other memory is copied once into shared memory, small buffers go inline.
 * A memory that comes back to the side that lent it (a worker that passes
 * its input on) is that side's own memory again. Everything read is checked
 * before use: a message that is not what the protocol says closes the
 * channel as garbage.
 *
 * One reader thread reads the messages in order and hands each to the
 * owner's callback. A reader held there (pushing into a full queue
 * downstream) holds every message behind it, replies too; an owner that
 * passes nothing on any more (an exit's freeze) has it relieved
 * (gst_proc_channel_relieve_reader()): a new reader reads on, and the held
 * one ends once its callback returns.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>
#include "gstprocchannel.h"
#include "gstprocshm.h"

GST_DEBUG_CATEGORY_STATIC (proc_channel_debug);
#define GST_CAT_DEFAULT proc_channel_debug

#define INLINE_MAX 16384
/* on a stream, a frame's bytes are in the message */
#define STREAM_MAX_MESSAGE (256 * 1024 * 1024)

struct _GstProcChannel
{
  gint refcount;                /* atomic */
  int fd;                       /* fixed */
  gboolean stream;              /* fixed: TCP, no descriptors */
  GstProcChannelCallbacks cb;   /* fixed */
  gpointer user_data;           /* fixed */
  GstAllocator *fd_allocator;   /* fixed */
  GstAllocator *shm;            /* fixed */
  GThread *thread;              /* protected by lock: the reader (set at
                                 * the start, replaced by a relief) */
  gchar *thread_name;           /* fixed at the start */
  GThreadPool *queries;         /* answers the peer's queries: a query may
                                 * ask the peer back, whose reply the reader
                                 * must be free to read */

  GMutex send_lock;             /* one sendmsg at a time */

  GMutex lock;
  GCond cond;
  /* protected by lock */
  gboolean closed;
  gboolean closing;             /* gst_proc_channel_close() runs: no relief */
  gboolean in_message;          /* the reader is in the message callback */
  GPtrArray *relieved;          /* GThread: readers relieved, each ending
                                 * after its message (joined by the close) */
  GHashTable *lent;             /* id -> Lent: a memory the peer maps */
  guint64 next_mem_id;
  guint64 next_query_id;
  GHashTable *replies;          /* query id -> reply (NULL until it comes) */
};

typedef struct
{
  guint64 id;
  GstQuery *query;
  GstPadDirection dir;
} QueryJob;

/* on a memory made from the peer's descriptor */
typedef struct
{
  GstProcChannel *channel;
  guint64 id;
} PeerMem;

static GQuark peer_mem_quark;

static void answer_query (gpointer data, gpointer user_data);

/* A memory lent to the peer, held here with an exclusive lock: not
 * writable here while the peer may map it. A buffer pool would otherwise
 * take its buffer back and write the next frame into what the peer still
 * reads (a queue in a child holds frames after their item is done). */
typedef struct
{
  GstMemory *mem;
  gboolean locked;
} Lent;

static void
lent_free (gpointer data)
{
  Lent *lent = data;

  if (lent->locked)
    gst_memory_unlock (lent->mem, GST_LOCK_FLAG_EXCLUSIVE);
  gst_memory_unref (lent->mem);
  g_free (lent);
}

static void
init_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (proc_channel_debug, "processchannel", 0,
        "process replica socket");
    peer_mem_quark = g_quark_from_static_string ("gst-worker-peer-mem");
    /* types that cross as names in caps and structures and that no
     * element may have made yet: video caps carry multiview-flags, a
     * type GStreamer otherwise gets from the pbtypes plugin, when that
     * is installed (without it, a child read the first video caps as
     * garbage, closed its channel and was killed) */
    g_type_ensure (GST_TYPE_VIDEO_MULTIVIEW_FLAGSET);
    g_once_init_leave (&done, 1);
  }
}

/* @stream: @fd is a stream socket (TCP), not a SOCK_SEQPACKET one */
GstProcChannel *
gst_proc_channel_new (int fd, gboolean stream,
    const GstProcChannelCallbacks * cb, gpointer user_data)
{
  GstProcChannel *ch = g_new0 (GstProcChannel, 1);
  int size = 4 * 1024 * 1024;

  init_once ();
  ch->refcount = 1;
  ch->fd = fd;
  ch->stream = stream;
  ch->cb = *cb;
  ch->user_data = user_data;
  ch->fd_allocator = gst_fd_allocator_new ();
  ch->shm = gst_proc_shm_allocator_get ();
  g_mutex_init (&ch->send_lock);
  g_mutex_init (&ch->lock);
  g_cond_init (&ch->cond);
  ch->lent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      lent_free);
  ch->replies = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      g_free);
  ch->relieved = g_ptr_array_new ();
  ch->next_mem_id = 1;
  ch->next_query_id = 1;
  ch->queries = g_thread_pool_new (answer_query, ch, 4, FALSE, NULL);
  /* room for a burst of small messages (heartbeats, outputs) */
  setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof (size));
  setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof (size));
  return ch;
}

GstProcChannel *
gst_proc_channel_ref (GstProcChannel * ch)
{
  g_atomic_int_inc (&ch->refcount);
  return ch;
}

void
gst_proc_channel_unref (GstProcChannel * ch)
{
  if (!g_atomic_int_dec_and_test (&ch->refcount))
    return;
  g_assert (ch->thread == NULL && ch->relieved->len == 0);
  g_ptr_array_unref (ch->relieved);
  g_free (ch->thread_name);
  if (ch->queries)
    g_thread_pool_free (ch->queries, FALSE, TRUE);
  close (ch->fd);
  g_hash_table_destroy (ch->lent);
  g_hash_table_destroy (ch->replies);
  gst_object_unref (ch->fd_allocator);
  gst_object_unref (ch->shm);
  g_mutex_clear (&ch->send_lock);
  g_mutex_clear (&ch->lock);
  g_cond_clear (&ch->cond);
  g_free (ch);
}

gboolean
gst_proc_channel_is_closed (GstProcChannel * ch)
{
  gboolean closed;

  g_mutex_lock (&ch->lock);
  closed = ch->closed;
  g_mutex_unlock (&ch->lock);
  return closed;
}

guint
gst_proc_channel_n_lent (GstProcChannel * ch)
{
  guint n;

  g_mutex_lock (&ch->lock);
  n = g_hash_table_size (ch->lent);
  g_mutex_unlock (&ch->lock);
  return n;
}

/* ---------------------------------------------------------------------- */
/* sending */

/* The whole message, whatever the socket takes at a time. */
static gboolean
send_stream (GstProcChannel * ch, const GstProcWireHeader * header,
    const guint8 * payload, gsize len)
{
  struct iovec iov[2] = {
    {(void *) header, sizeof (*header)},
    {(void *) payload, len},
  };
  struct msghdr msg = { 0 };
  gboolean ok = TRUE;

  msg.msg_iov = iov;
  msg.msg_iovlen = len ? 2 : 1;
  g_mutex_lock (&ch->send_lock);
  while (msg.msg_iovlen) {
    ssize_t n = sendmsg (ch->fd, &msg, MSG_NOSIGNAL);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      ok = FALSE;
      break;
    }
    while (msg.msg_iovlen && (gsize) n >= msg.msg_iov->iov_len) {
      n -= msg.msg_iov->iov_len;
      msg.msg_iov++;
      msg.msg_iovlen--;
    }
    if (msg.msg_iovlen) {
      msg.msg_iov->iov_base = (guint8 *) msg.msg_iov->iov_base + n;
      msg.msg_iov->iov_len -= n;
    }
  }
  g_mutex_unlock (&ch->send_lock);
  return ok;
}

static gboolean
send_message (GstProcChannel * ch, GstProcMsgType type, guint64 id,
    const guint8 * payload, gsize len, const int *fds, guint n_fds)
{
  GstProcWireHeader header = { GST_PROC_WIRE_MAGIC, type, id, len, n_fds };
  struct iovec iov[2] = {
    {&header, sizeof (header)},
    {(void *) payload, len},
  };
  union
  {
    struct cmsghdr align;
    char buf[CMSG_SPACE (sizeof (int) * GST_PROC_WIRE_MAX_FDS)];
  } control;
  struct msghdr msg = { 0 };
  ssize_t n;

  if (ch->stream)
    return n_fds == 0 && len <= STREAM_MAX_MESSAGE &&
        send_stream (ch, &header, payload, len);
  if (sizeof (header) + len > GST_PROC_WIRE_MAX_MESSAGE ||
      n_fds > GST_PROC_WIRE_MAX_FDS) {
    GST_WARNING ("message of %" G_GSIZE_FORMAT " bytes, %u fds: too big",
        len, n_fds);
    return FALSE;
  }
  msg.msg_iov = iov;
  msg.msg_iovlen = len ? 2 : 1;
  if (n_fds) {
    struct cmsghdr *cmsg;

    memset (&control, 0, sizeof (control));
    msg.msg_control = control.buf;
    msg.msg_controllen = CMSG_SPACE (sizeof (int) * n_fds);
    cmsg = CMSG_FIRSTHDR (&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN (sizeof (int) * n_fds);
    memcpy (CMSG_DATA (cmsg), fds, sizeof (int) * n_fds);
  }

  g_mutex_lock (&ch->send_lock);
  do {
    n = sendmsg (ch->fd, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  g_mutex_unlock (&ch->send_lock);
  if (n < 0) {
    GST_DEBUG ("sendmsg: %s", g_strerror (errno));
    return FALSE;
  }
  return TRUE;
}

gboolean
gst_proc_channel_send_raw (GstProcChannel * ch, const void *data, gsize len)
{
  ssize_t n;

  g_mutex_lock (&ch->send_lock);
  n = send (ch->fd, data, len, MSG_NOSIGNAL);
  g_mutex_unlock (&ch->send_lock);
  return n == (ssize_t) len;
}

gboolean
gst_proc_channel_send_structure (GstProcChannel * ch, GstProcMsgType type,
    guint64 id, const GstStructure * s)
{
  gchar *str = s ? gst_proc_wire_serialize_structure (s) : g_strdup ("");
  gboolean ok = send_message (ch, type, id, (const guint8 *) str,
      strlen (str) + 1, NULL, 0);

  g_free (str);
  return ok;
}

static gboolean
send_text (GstProcChannel * ch, GstProcMsgType type, guint64 id,
    const gchar * text)
{
  return send_message (ch, type, id, (const guint8 *) text,
      strlen (text) + 1, NULL, 0);
}

gboolean
gst_proc_channel_send_event (GstProcChannel * ch, guint64 id,
    GstEvent * event)
{
  gchar *str = gst_proc_wire_serialize_event (event);
  gboolean ok = send_text (ch, GST_PROC_MSG_EVENT, id, str);

  g_free (str);
  return ok;
}

/* The memory the peer lent us that @mem is (or is a part of), if any. */
static PeerMem *
find_peer_mem (GstProcChannel * ch, GstMemory * mem)
{
  for (; mem; mem = mem->parent) {
    PeerMem *pm = gst_mini_object_get_qdata (GST_MINI_OBJECT (mem),
        peer_mem_quark);

    if (pm)
      return pm->channel == ch ? pm : NULL;
  }
  return NULL;
}

static guint64
lend (GstProcChannel * ch, GstMemory * mem)
{
  guint64 id, *key = g_new (guint64, 1);
  Lent *lent = g_new (Lent, 1);

  lent->mem = gst_memory_ref (mem);
  lent->locked = gst_memory_lock (mem, GST_LOCK_FLAG_EXCLUSIVE);
  if (!lent->locked)
    GST_WARNING ("memory %p lent unlocked: it is mapped for writing", mem);
  g_mutex_lock (&ch->lock);
  id = ch->next_mem_id++;
  *key = id;
  g_hash_table_insert (ch->lent, key, lent);
  g_mutex_unlock (&ch->lock);
  return id;
}

static void
unlend (GstProcChannel * ch, guint64 id)
{
  g_mutex_lock (&ch->lock);
  g_hash_table_remove (ch->lent, &id);
  g_mutex_unlock (&ch->lock);
}

/* Sends @buffer: its fd memories as descriptors (lent until RELEASE), the
 * peer's own memories back by id, small buffers inline, the rest copied
 * once into shared memory (counted in @copies). On a stream, all inline:
 * a frame (over INLINE_MAX bytes) counts one copy. */
static gboolean
send_buffer (GstProcChannel * ch, GstProcMsgType type, guint64 id,
    GstBuffer * buffer, guint * copies)
{
  GstProcWireBuffer wb = { 0 };
  GstProcWireMem wm[GST_PROC_WIRE_MAX_FDS];
  int fds[GST_PROC_WIRE_MAX_FDS];
  guint64 lent_ids[GST_PROC_WIRE_MAX_FDS];
  guint n_fds = 0, n_lent = 0, n_mem = gst_buffer_n_memory (buffer);
  gsize size = gst_buffer_get_size (buffer);
  gboolean as_inline = FALSE;
  GstMemory *merged = NULL;
  gsize metas_len = 0;
  gchar *metas = gst_proc_wire_serialize_metas (buffer, &metas_len);
  GByteArray *payload;
  gboolean ok;

  wb.pts = GST_BUFFER_PTS (buffer);
  wb.dts = GST_BUFFER_DTS (buffer);
  wb.duration = GST_BUFFER_DURATION (buffer);
  wb.offset = GST_BUFFER_OFFSET (buffer);
  wb.offset_end = GST_BUFFER_OFFSET_END (buffer);
  wb.flags = GST_BUFFER_FLAGS (buffer);
  wb.metas_len = metas_len;

  if (ch->stream) {
    /* every byte goes in the stream: a frame is copied into the message
     * (small items travel in the message on a unix socket too, and are
     * not counted there either) */
    as_inline = TRUE;
    if (size > INLINE_MAX && copies)
      (*copies)++;
  } else if (n_mem > GST_PROC_WIRE_MAX_FDS)
    as_inline = size <= INLINE_MAX;
  else if (size <= INLINE_MAX) {
    as_inline = TRUE;
    for (guint i = 0; i < n_mem; i++) {
      GstMemory *mem = gst_buffer_peek_memory (buffer, i);

      if (find_peer_mem (ch, mem) || gst_is_fd_memory (mem))
        as_inline = FALSE;
    }
  }

  if (as_inline) {
    wb.n_mem = size ? 1 : 0;
    wb.inline_len = size;
    if (size) {
      wm[0] = (GstProcWireMem) {
      GST_PROC_MEM_INLINE, 0, 0, 0, size, size};
    }
  } else {
    if (n_mem > GST_PROC_WIRE_MAX_FDS) {
      /* too many pieces: one copy into shared memory */
      merged = gst_allocator_alloc (ch->shm, size, NULL);
      if (!merged)
        goto failed;
      {
        GstMapInfo map;

        gst_memory_map (merged, &map, GST_MAP_WRITE);
        gst_buffer_extract (buffer, 0, map.data, size);
        gst_memory_unmap (merged, &map);
      }
      if (copies)
        (*copies)++;
      n_mem = 1;
    }
    wb.n_mem = n_mem;
    for (guint i = 0; i < n_mem; i++) {
      GstMemory *mem = merged ? merged : gst_buffer_peek_memory (buffer, i);
      PeerMem *pm = find_peer_mem (ch, mem);

      if (pm) {
        wm[i] = (GstProcWireMem) {
        GST_PROC_MEM_RETURN, 0, pm->id, mem->offset, mem->size, 0};
        continue;
      }
      if (!gst_is_fd_memory (mem)) {
        GstMemory *copy = gst_allocator_alloc (ch->shm, mem->size, NULL);
        GstMapInfo src, dst;

        if (!copy)
          goto failed;
        if (!gst_memory_map (mem, &src, GST_MAP_READ)) {
          gst_memory_unref (copy);
          goto failed;
        }
        gst_memory_map (copy, &dst, GST_MAP_WRITE);
        memcpy (dst.data, src.data, src.size);
        gst_memory_unmap (copy, &dst);
        gst_memory_unmap (mem, &src);
        if (copies)
          (*copies)++;
        lent_ids[n_lent] = lend (ch, copy);
        fds[n_fds] = gst_fd_memory_get_fd (copy);
        wm[i] = (GstProcWireMem) {
        GST_PROC_MEM_FD, n_fds, lent_ids[n_lent], copy->offset, copy->size,
              copy->maxsize};
        gst_memory_unref (copy);
      } else {
        lent_ids[n_lent] = lend (ch, mem);
        fds[n_fds] = gst_fd_memory_get_fd (mem);
        wm[i] = (GstProcWireMem) {
        GST_PROC_MEM_FD, n_fds, lent_ids[n_lent], mem->offset, mem->size,
              mem->maxsize};
      }
      n_lent++;
      n_fds++;
    }
  }

  payload = g_byte_array_sized_new (sizeof (wb) + wb.n_mem * sizeof (wm[0])
      + wb.inline_len + wb.metas_len);
  g_byte_array_append (payload, (guint8 *) & wb, sizeof (wb));
  g_byte_array_append (payload, (guint8 *) wm, wb.n_mem * sizeof (wm[0]));
  if (wb.inline_len) {
    g_byte_array_set_size (payload, payload->len + wb.inline_len);
    gst_buffer_extract (buffer, 0, payload->data + payload->len -
        wb.inline_len, wb.inline_len);
  }
  if (metas)
    g_byte_array_append (payload, (guint8 *) metas, wb.metas_len);
  ok = send_message (ch, type, id, payload->data,
      payload->len, fds, n_fds);
  g_byte_array_unref (payload);
  g_free (metas);
  if (merged)
    gst_memory_unref (merged);
  if (!ok)
    for (guint i = 0; i < n_lent; i++)
      unlend (ch, lent_ids[i]);
  return ok;

failed:
  for (guint i = 0; i < n_lent; i++)
    unlend (ch, lent_ids[i]);
  if (merged)
    gst_memory_unref (merged);
  g_free (metas);
  return FALSE;
}

gboolean
gst_proc_channel_send_buffer (GstProcChannel * ch, guint64 id,
    GstBuffer * buffer, guint * copies)
{
  return send_buffer (ch, GST_PROC_MSG_BUFFER, id, buffer, copies);
}

/* The last output of item @id and its end (flow OK) in one message: one
 * send, one read and one wake-up of the peer less per item. */
gboolean
gst_proc_channel_send_buffer_done (GstProcChannel * ch, guint64 id,
    GstBuffer * buffer)
{
  return send_buffer (ch, GST_PROC_MSG_BUFFER_DONE, id, buffer, NULL);
}

/* ---------------------------------------------------------------------- */
/* queries: one request, one reply, matched by id */

/* The value of a question whose asker stopped waiting: its late reply is
 * dropped (and is no garbage). Real replies start with '0' or '1'. */
#define ABANDONED "-"

gboolean
gst_proc_channel_query (GstProcChannel * ch, GstQuery * query,
    GstPadDirection direction)
{
  return gst_proc_channel_query_timed (ch, query, direction, 0);
}

/* As gst_proc_channel_query(), waiting at most @timeout (0: for ever). */
gboolean
gst_proc_channel_query_timed (GstProcChannel * ch, GstQuery * query,
    GstPadDirection direction, GTimeSpan timeout)
{
  return gst_proc_channel_query_until (ch, query, direction, timeout, NULL,
      NULL, NULL);
}

/* How often a wait asks @give_up */
#define GIVE_UP_PERIOD (10 * G_TIME_SPAN_MILLISECOND)

/* As gst_proc_channel_query_timed(), and ending early, with @gave_up set,
 * once @give_up (asked every GIVE_UP_PERIOD, not with the channel's lock)
 * says the answer cannot come now (the reader that would read it is held
 * elsewhere). */
gboolean
gst_proc_channel_query_until (GstProcChannel * ch, GstQuery * query,
    GstPadDirection direction, GTimeSpan timeout,
    GstProcChannelGiveUp give_up, gpointer data, gboolean * gave_up)
{
  gint64 deadline = timeout ? g_get_monotonic_time () + timeout : 0;
  gchar *str = gst_proc_wire_serialize_query (query, direction);
  guint64 id, *key = g_new (guint64, 1);
  gchar *reply = NULL;
  gboolean ok;

  if (gave_up)
    *gave_up = FALSE;
  g_mutex_lock (&ch->lock);
  if (ch->closed) {
    g_mutex_unlock (&ch->lock);
    g_free (key);
    g_free (str);
    return FALSE;
  }
  id = ch->next_query_id++;
  *key = id;
  g_hash_table_insert (ch->replies, key, NULL);
  g_mutex_unlock (&ch->lock);

  ok = send_text (ch, GST_PROC_MSG_QUERY, id, str);
  g_free (str);

  g_mutex_lock (&ch->lock);
  while (ok && !ch->closed && !g_hash_table_lookup (ch->replies, &id)) {
    if (give_up) {
      gint64 next = g_get_monotonic_time () + GIVE_UP_PERIOD;
      gboolean stop;

      if (!g_cond_wait_until (&ch->cond, &ch->lock, deadline ?
              MIN (next, deadline) : next) && deadline &&
          g_get_monotonic_time () >= deadline)
        break;
      if (g_hash_table_lookup (ch->replies, &id))
        break;
      g_mutex_unlock (&ch->lock);
      stop = give_up (data);
      g_mutex_lock (&ch->lock);
      if (stop && !g_hash_table_lookup (ch->replies, &id)) {
        if (gave_up)
          *gave_up = TRUE;
        break;
      }
    } else if (!deadline) {
      g_cond_wait (&ch->cond, &ch->lock);
    } else if (!g_cond_wait_until (&ch->cond, &ch->lock, deadline)) {
      break;
    }
  }
  g_hash_table_steal_extended (ch->replies, &id, (gpointer *) & key,
      (gpointer *) & reply);
  if (ok && !reply && !ch->closed) {
    /* timed out: the reply may still come */
    g_hash_table_insert (ch->replies, key, g_strdup (ABANDONED));
    key = NULL;
  }
  g_mutex_unlock (&ch->lock);
  g_free (key);

  /* the reply: '1' or '0' (the peer's answer), then the query */
  ok = reply && reply[0] == '1' && gst_proc_wire_update_query (query,
      reply + 1);
  g_free (reply);
  return ok;
}

/* ---------------------------------------------------------------------- */
/* receiving */

static void
peer_mem_free (gpointer data)
{
  PeerMem *pm = data;
  gboolean closed;

  g_mutex_lock (&pm->channel->lock);
  closed = pm->channel->closed;
  g_mutex_unlock (&pm->channel->lock);
  if (!closed)
    send_message (pm->channel, GST_PROC_MSG_RELEASE, pm->id, NULL, 0, NULL,
        0);
  gst_proc_channel_unref (pm->channel);
  g_free (pm);
}

static GstBuffer *
read_buffer (GstProcChannel * ch, const guint8 * data, gsize len, int *fds,
    guint n_fds, gchar ** why)
{
  GstProcWireBuffer wb;
  const GstProcWireMem *wm;
  const guint8 *inline_data;
  const gchar *metas = NULL;
  GstBuffer *buffer;

  if (len < sizeof (wb)) {
    *why = g_strdup ("a buffer message is too short");
    return NULL;
  }
  memcpy (&wb, data, sizeof (wb));
  if (wb.n_mem > GST_PROC_WIRE_MAX_FDS ||
      sizeof (wb) + (gsize) wb.n_mem * sizeof (GstProcWireMem) +
      wb.inline_len + wb.metas_len != len) {
    *why = g_strdup ("a buffer message's sizes do not add up");
    return NULL;
  }
  wm = (const GstProcWireMem *) (data + sizeof (wb));
  inline_data = (const guint8 *) (wm + wb.n_mem);
  if (wb.metas_len)
    metas = (const gchar *) inline_data + wb.inline_len;

  buffer = gst_buffer_new ();
  for (guint i = 0; i < wb.n_mem; i++) {
    GstProcWireMem m;
    GstMemory *mem = NULL;

    memcpy (&m, &wm[i], sizeof (m));
    switch (m.kind) {
      case GST_PROC_MEM_INLINE:
        if (m.size != wb.inline_len) {
          *why = g_strdup ("an inline memory has the wrong size");
          goto bad;
        }
        {
          gpointer copy = g_memdup2 (inline_data, m.size);

          mem = gst_memory_new_wrapped (0, copy, m.size, 0, m.size, copy,
              g_free);
        }
        break;
      case GST_PROC_MEM_FD:{
        struct stat st;
        PeerMem *pm;
        int fd;

        if (m.fd_index >= n_fds || fds[m.fd_index] < 0) {
          *why = g_strdup ("a memory names a descriptor that is not there");
          goto bad;
        }
        fd = fds[m.fd_index];
        if (fstat (fd, &st) < 0 || m.maxsize == 0 ||
            (guint64) st.st_size < m.maxsize || m.offset > m.maxsize ||
            m.size > m.maxsize - m.offset) {
          *why = g_strdup ("a shared memory is smaller than it says");
          goto bad;
        }
        fds[m.fd_index] = -1;
        mem = gst_fd_allocator_alloc (ch->fd_allocator, fd, m.maxsize,
            GST_FD_MEMORY_FLAG_NONE);
        if (!mem) {
          close (fd);
          *why = g_strdup ("a shared memory could not be wrapped");
          goto bad;
        }
        gst_memory_resize (mem, m.offset, m.size);
        GST_MINI_OBJECT_FLAG_SET (mem, GST_MEMORY_FLAG_READONLY);
        pm = g_new (PeerMem, 1);
        pm->channel = gst_proc_channel_ref (ch);
        pm->id = m.id;
        gst_mini_object_set_qdata (GST_MINI_OBJECT (mem), peer_mem_quark, pm,
            peer_mem_free);
        break;
      }
      case GST_PROC_MEM_RETURN:{
        GstMemory *own;
        Lent *lent;

        g_mutex_lock (&ch->lock);
        lent = g_hash_table_lookup (ch->lent, &m.id);
        own = lent ? lent->mem : NULL;
        if (own && m.offset >= own->offset &&
            m.offset - own->offset + m.size <= own->maxsize - own->offset) {
          if (m.offset == own->offset && m.size == own->size)
            mem = gst_memory_ref (own);
          else
            mem = gst_memory_share (own, m.offset - own->offset, m.size);
        }
        g_mutex_unlock (&ch->lock);
        if (!mem) {
          *why = g_strdup ("a memory comes back that was never lent");
          goto bad;
        }
        break;
      }
      default:
        *why = g_strdup_printf ("unknown memory kind %u", m.kind);
        goto bad;
    }
    gst_buffer_append_memory (buffer, mem);
  }
  GST_BUFFER_PTS (buffer) = wb.pts;
  GST_BUFFER_DTS (buffer) = wb.dts;
  GST_BUFFER_DURATION (buffer) = wb.duration;
  GST_BUFFER_OFFSET (buffer) = wb.offset;
  GST_BUFFER_OFFSET_END (buffer) = wb.offset_end;
  GST_BUFFER_FLAGS (buffer) = wb.flags;
  if (metas && !gst_proc_wire_deserialize_metas (buffer, metas,
          wb.metas_len, why))
    goto bad;
  return buffer;

bad:
  gst_buffer_unref (buffer);
  return NULL;
}

static void
answer_query (gpointer data, gpointer user_data)
{
  QueryJob *job = data;
  GstProcChannel *ch = user_data;
  gboolean res = ch->cb.query (ch, job->query, job->dir, ch->user_data);
  gchar *q = gst_proc_wire_serialize_query (job->query, job->dir);
  gchar *reply = g_strconcat (res ? "1" : "0", q, NULL);

  send_text (ch, GST_PROC_MSG_REPLY, job->id, reply);
  g_free (reply);
  g_free (q);
  gst_query_unref (job->query);
  g_free (job);
}

static void
mark_closed (GstProcChannel * ch)
{
  g_mutex_lock (&ch->lock);
  ch->closed = TRUE;
  g_hash_table_remove_all (ch->lent);
  g_cond_broadcast (&ch->cond);
  g_mutex_unlock (&ch->lock);
}

/* Returns: %FALSE (and @why) if the message is garbage. */
static gboolean
dispatch (GstProcChannel * ch, const GstProcWireHeader * h,
    const guint8 * payload, int *fds, guint n_fds, gchar ** why,
    gboolean * relieved)
{
  GstProcMessage msg = { h->type, h->id };
  const gchar *text = (const gchar *) payload;
  gboolean is_buffer = h->type == GST_PROC_MSG_BUFFER ||
      h->type == GST_PROC_MSG_BUFFER_DONE;
  gboolean is_text = !is_buffer && h->type != GST_PROC_MSG_RELEASE;

  if (is_text && (h->len == 0 || text[h->len - 1] != '\0' ||
          strlen (text) != h->len - 1)) {
    *why = g_strdup_printf ("message %u is not text", h->type);
    return FALSE;
  }
  if (!is_buffer && n_fds) {
    *why = g_strdup ("descriptors beside a message that has none");
    return FALSE;
  }

  switch (h->type) {
    case GST_PROC_MSG_BUFFER:
    case GST_PROC_MSG_BUFFER_DONE:
      msg.buffer = read_buffer (ch, payload, h->len, fds, n_fds, why);
      if (!msg.buffer)
        return FALSE;
      break;
    case GST_PROC_MSG_EVENT:
      msg.event = gst_proc_wire_deserialize_event (text, h->id);
      if (!msg.event) {
        *why = g_strdup ("an event does not parse");
        return FALSE;
      }
      break;
    case GST_PROC_MSG_RELEASE:
      if (h->len) {
        *why = g_strdup ("a release carries data");
        return FALSE;
      }
      unlend (ch, h->id);
      return TRUE;
    case GST_PROC_MSG_QUERY:{
      QueryJob *job = g_new0 (QueryJob, 1);

      job->query = gst_proc_wire_deserialize_query (text, &job->dir);
      if (!job->query) {
        g_free (job);
        *why = g_strdup ("a query does not parse");
        return FALSE;
      }
      job->id = h->id;
      g_thread_pool_push (ch->queries, job, NULL);
      return TRUE;
    }
    case GST_PROC_MSG_REPLY:{
      guint64 *key;
      gpointer old;

      g_mutex_lock (&ch->lock);
      if (g_hash_table_lookup_extended (ch->replies, &h->id, NULL, &old) &&
          old && g_str_equal (old, ABANDONED)) {
        g_hash_table_remove (ch->replies, &h->id);
        g_mutex_unlock (&ch->lock);
        return TRUE;
      }
      if (!g_hash_table_lookup_extended (ch->replies, &h->id, NULL, &old) ||
          old) {
        g_mutex_unlock (&ch->lock);
        *why = g_strdup ("a reply to no question");
        return FALSE;
      }
      key = g_new (guint64, 1);
      *key = h->id;
      g_hash_table_insert (ch->replies, key, g_strdup (text));
      g_cond_broadcast (&ch->cond);
      g_mutex_unlock (&ch->lock);
      return TRUE;
    }
    case GST_PROC_MSG_HELLO:
    case GST_PROC_MSG_FAILED:
    case GST_PROC_MSG_DONE:
    case GST_PROC_MSG_MESSAGE:
    case GST_PROC_MSG_BYE:
      msg.structure = gst_structure_from_string (text, NULL);
      if (!msg.structure) {
        *why = g_strdup ("a control message does not parse");
        return FALSE;
      }
      break;
    default:
      *why = g_strdup_printf ("unknown message type %u", h->type);
      return FALSE;
  }

  /* (held in the callback, this reader may be relieved meanwhile) */
  g_mutex_lock (&ch->lock);
  ch->in_message = TRUE;
  g_mutex_unlock (&ch->lock);
  ch->cb.message (ch, &msg, ch->user_data);
  g_mutex_lock (&ch->lock);
  if (ch->thread == g_thread_self ())
    ch->in_message = FALSE;
  else
    *relieved = TRUE;
  g_mutex_unlock (&ch->lock);
  gst_clear_buffer (&msg.buffer);
  gst_clear_event (&msg.event);
  if (msg.structure)
    gst_structure_free (msg.structure);
  return TRUE;
}

/* Reads exactly @len bytes of a stream. Returns: 1, 0 at the end before
 * any byte, -1 on an error or an end in the middle. */
static gint
read_exact (int fd, guint8 * to, gsize len)
{
  gsize got = 0;

  while (got < len) {
    ssize_t n = recv (fd, to + got, len - got, 0);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n == 0 && got == 0 ? 0 : -1;
    got += n;
  }
  return 1;
}

/* One message of a stream into @buf (grown as needed). Returns: its length,
 * 0 or -2 at the end, -1 (garbage), with @why. */
static gssize
receive_stream (GstProcChannel * ch, guint8 ** buf, gsize * size,
    gchar ** why)
{
  GstProcWireHeader h;
  gint r = read_exact (ch->fd, (guint8 *) & h, sizeof (h));

  if (r == 0) {
    *why = g_strdup ("closed");
    return 0;
  }
  if (r < 0) {
    /* a peer that died while writing: an end, not garbage */
    *why = g_strdup ("closed in the middle of a message");
    return -2;
  }
  if (h.magic != GST_PROC_WIRE_MAGIC || h.len > STREAM_MAX_MESSAGE ||
      h.n_fds != 0) {
    *why = g_strdup ("a message does not start as the protocol says");
    return -1;
  }
  if (sizeof (h) + h.len > *size) {
    *size = sizeof (h) + h.len;
    *buf = g_realloc (*buf, *size);
  }
  memcpy (*buf, &h, sizeof (h));
  if (h.len && read_exact (ch->fd, *buf + sizeof (h), h.len) != 1) {
    *why = g_strdup ("closed in the middle of a message");
    return -2;
  }
  return sizeof (h) + h.len;
}

/* One datagram, with its descriptors. Returns: its length, 0 or -2 at the
 * end, -1 (garbage), with @why. */
static gssize
receive_datagram (GstProcChannel * ch, guint8 * buf, int *fds,
    guint * n_fds, gchar ** why)
{
  union
  {
    struct cmsghdr align;
    char buf[CMSG_SPACE (sizeof (int) * GST_PROC_WIRE_MAX_FDS)];
  } control;
  struct iovec iov = { buf, GST_PROC_WIRE_MAX_MESSAGE };
  struct msghdr msg = { 0 };
  struct cmsghdr *cmsg;
  ssize_t n;

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof (control.buf);
  do {
    n = recvmsg (ch->fd, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    *why = g_strdup_printf ("reading: %s", g_strerror (errno));
    return -2;
  }
  if (n == 0) {
    *why = g_strdup ("closed");
    return 0;
  }
  for (cmsg = CMSG_FIRSTHDR (&msg); cmsg; cmsg = CMSG_NXTHDR (&msg, cmsg)) {
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
      guint k = (cmsg->cmsg_len - CMSG_LEN (0)) / sizeof (int);

      for (guint i = 0; i < k; i++) {
        int fd;

        memcpy (&fd, CMSG_DATA (cmsg) + i * sizeof (int), sizeof (int));
        if (*n_fds < GST_PROC_WIRE_MAX_FDS)
          fds[(*n_fds)++] = fd;
        else
          close (fd);
      }
    }
  }
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
    *why = g_strdup ("a message is cut short or too long");
    return -1;
  }
  return n;
}

static gpointer
reader_thread (gpointer data)
{
  GstProcChannel *ch = data;
  gsize size = GST_PROC_WIRE_MAX_MESSAGE;
  guint8 *buf = g_malloc (size);
  gchar *why = NULL;
  gboolean garbage = FALSE, relieved = FALSE;

  for (;;) {
    int fds[GST_PROC_WIRE_MAX_FDS];
    guint n_fds = 0;
    GstProcWireHeader h;
    gssize n;
    gboolean ok;

    n = ch->stream ? receive_stream (ch, &buf, &size, &why) :
        receive_datagram (ch, buf, fds, &n_fds, &why);
    if (n == 0 || n == -2)
      break;
    if (n < 0) {
      ok = FALSE;
    } else if ((gsize) n < sizeof (h)) {
      why = g_strdup ("a message is too short");
      ok = FALSE;
    } else {
      memcpy (&h, buf, sizeof (h));
      if (h.magic != GST_PROC_WIRE_MAGIC || h.len != n - sizeof (h) ||
          h.n_fds != n_fds) {
        why = g_strdup_printf ("a message does not start as the protocol "
            "says (first bytes %02x %02x %02x %02x)", buf[0], buf[1], buf[2],
            buf[3]);
        ok = FALSE;
      } else {
        ok = dispatch (ch, &h, buf + sizeof (h), fds, n_fds, &why,
            &relieved);
      }
    }
    for (guint i = 0; i < n_fds; i++)
      if (fds[i] >= 0)
        close (fds[i]);
    if (!ok) {
      garbage = TRUE;
      break;
    }
    if (relieved) {
      /* another reader reads on */
      g_free (buf);
      return NULL;
    }
  }

  mark_closed (ch);
  GST_DEBUG ("channel closed: %s", why);
  ch->cb.closed (ch, garbage, why, ch->user_data);
  g_free (why);
  g_free (buf);
  return NULL;
}

gboolean
gst_proc_channel_start (GstProcChannel * ch, const gchar * thread_name)
{
  GError *err = NULL;

  ch->thread_name = g_strdup (thread_name);
  /* (the reader checks it is the reader after each message) */
  g_mutex_lock (&ch->lock);
  ch->thread = g_thread_try_new (thread_name, reader_thread, ch, &err);
  g_mutex_unlock (&ch->lock);
  if (!ch->thread) {
    GST_WARNING ("no reader thread: %s", err->message);
    g_clear_error (&err);
    return FALSE;
  }
  return TRUE;
}

/**
 * gst_proc_channel_relieve_reader:
 *
 * If the reader is in the message callback (held there: pushing into a
 * full queue, into a hung or paused worker), a new reader reads on from
 * the next message; the held one ends when its callback returns, and the
 * closed callback is the new one's. The messages behind the held one
 * (replies to queries among them) are then handled while its callback
 * still runs, the closed callback too (the peer's end, read by the new
 * one): only for an owner that passes none of them on any more (an exit's
 * freeze: the outputs are discarded). Not from the reader thread.
 *
 * Returns: whether a new reader was started.
 */
gboolean
gst_proc_channel_relieve_reader (GstProcChannel * ch)
{
  GThread *reader = NULL;

  g_mutex_lock (&ch->lock);
  if (ch->in_message && ch->thread && !ch->closing && !ch->closed) {
    reader = g_thread_try_new (ch->thread_name, reader_thread, ch, NULL);
    if (reader) {
      g_ptr_array_add (ch->relieved, ch->thread);
      ch->thread = reader;
      ch->in_message = FALSE;
    }
  }
  g_mutex_unlock (&ch->lock);
  if (reader)
    GST_DEBUG ("the reader held in a message was relieved");
  return reader != NULL;
}

/* Stops the reader (its closed callback runs, with "closed") and releases
 * what the peer was lent. Not from the reader thread. */
void
gst_proc_channel_close (GstProcChannel * ch)
{
  GThread *reader;
  GPtrArray *relieved;

  shutdown (ch->fd, SHUT_RDWR);
  g_mutex_lock (&ch->lock);
  ch->closing = TRUE;
  reader = ch->thread;
  g_mutex_unlock (&ch->lock);
  /* (the reader stays ch->thread until it ended: it checks that) */
  if (reader)
    g_thread_join (reader);
  g_mutex_lock (&ch->lock);
  ch->thread = NULL;
  relieved = ch->relieved;
  ch->relieved = g_ptr_array_new ();
  g_mutex_unlock (&ch->lock);
  /* (each ends once its callback returns: a held push ends when the owner
   * flushes, as a held reader's did) */
  for (guint i = 0; i < relieved->len; i++)
    g_thread_join (g_ptr_array_index (relieved, i));
  g_ptr_array_unref (relieved);
  mark_closed (ch);
  /* no callback runs after this */
  if (ch->queries) {
    g_thread_pool_free (ch->queries, FALSE, TRUE);
    ch->queries = NULL;
  }
}
