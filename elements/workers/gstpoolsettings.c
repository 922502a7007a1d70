/* gst-workers: what was set on a worker pool's replicas, kept for rebuilds
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/*
 * A pool builds its replicas again when its properties change before it
 * starts (in NULL or READY): new elements, with the description's values.
 * What an application or gst-launch-1.0 set on the old ones through the
 * pool's child proxy (`p_r0::hang-timeout=1000`,
 * `p_r0_jpegenc::quality=50`) would be lost with them. This object
 * watches the pool's deep-notify for property changes of its replicas
 * and of the elements inside them, keeps the last value of each (by
 * element name and property), and gives them to the replicas built
 * again, or added later under the same name.
 *
 * What a controller set in a process replica's child (`set p_r0/NAME
 * prop=v`: the replica keeps it for its next child) is kept here too, as
 * element "p_r0/NAME" (the value as text), when the pool drops that
 * replica (gst_pool_settings_keep_child()), and given to the one built
 * again under its name (gst_pool_settings_dup_child()).
 *
 * Values stay with a replica's number. A value set alike on every replica
 * there was (p_r0 and p_r1 both, or p_r0_w and p_r1_w, or p_r0/w and
 * p_r1/w) is given to the replicas the pool adds (a larger size) too
 * (gst_pool_settings_share()).
 *
 * A value the pool gives its replicas itself (its `hang-timeout`...:
 * gst_pool_settings_forget(), then gst_pool_settings_set_quietly())
 * replaces what was set on the replicas before, and is not kept as
 * theirs. Not kept: `name`, `paused` (a pause
 * holds a running stream; a new replica starts running), values that are
 * not writable after construction, and what is set on the pool's own
 * queues, dispatcher and collector.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include "gstpoolsettings.h"
#include "gstprocessreplica.h"

#define GST_CAT_DEFAULT gst_worker_pool_debug
GST_DEBUG_CATEGORY_EXTERN (gst_worker_pool_debug);

typedef struct
{
  gchar *element;               /* its name */
  gchar *property;
  GValue value;
} Setting;

struct _GstPoolSettings
{
  GstElement *pool;             /* not reffed: it owns this */
  gulong handler;

  GMutex lock;                  /* taken after the pool's object lock (the
                                 * pool's setters), never before it */
  /* protected by lock */
  GPtrArray *kept;              /* of Setting */
  GThread *quiet;               /* the thread that sets values it need not
                                 * keep (apply, set_own), or NULL */
  gchar *bad_setting;           /* `p_r0::nosuch` of the description, or
                                 * NULL (gst_pool_settings_take_warning()) */
  GPtrArray *missing;           /* of gchar *: children the new pool was
                                 * asked for and did not have
                                 * (gst_pool_settings_looked_up()) */
};

/* The pool's properties that each processreplica takes as its own. */
static const gchar *process_properties[] = {
  "start-timeout", "max-restarts", "restart-delay", "hang-timeout"
};

static void
setting_free (Setting * s)
{
  g_free (s->element);
  g_free (s->property);
  g_value_unset (&s->value);
  g_free (s);
}

/* Whether @name, the name of a child of @pool, is a replica's:
 * "<pool>_r<digits>" (not its queues "_in", "_out"). */
static gboolean
is_replica_name (GstElement * pool, const gchar * name)
{
  gchar *prefix = g_strdup_printf ("%s_r", GST_OBJECT_NAME (pool));
  gboolean yes = g_str_has_prefix (name, prefix) &&
      name[strlen (prefix)] != '\0' &&
      strspn (name + strlen (prefix), "0123456789") ==
      strlen (name + strlen (prefix));

  g_free (prefix);
  return yes;
}

/* The replica of @pool that @element is or is inside, reffed, or NULL. */
static GstElement *
replica_of (GstElement * pool, GstObject * element)
{
  GstObject *child = gst_object_ref (element), *parent;

  while ((parent = gst_object_get_parent (child))) {
    if (parent == GST_OBJECT (pool)) {
      gst_object_unref (parent);
      if (GST_IS_ELEMENT (child) && is_replica_name (pool,
              GST_OBJECT_NAME (child)))
        return GST_ELEMENT (child);
      break;
    }
    gst_object_unref (child);
    child = parent;
  }
  gst_object_unref (child);
  return NULL;
}

static gboolean
is_kept_property (GParamSpec * pspec)
{
  return (pspec->flags & G_PARAM_WRITABLE) &&
      !(pspec->flags & (G_PARAM_CONSTRUCT_ONLY)) &&
      g_strcmp0 (pspec->name, "name") != 0 &&
      g_strcmp0 (pspec->name, "parent") != 0 &&
      g_strcmp0 (pspec->name, "paused") != 0;
}

/* With the lock: keeps @value as @element's @property (replacing one). */
static void
keep_locked (GstPoolSettings * self, const gchar * element,
    const gchar * property, const GValue * value)
{
  Setting *s;

  for (guint i = 0; i < self->kept->len; i++) {
    s = g_ptr_array_index (self->kept, i);
    if (g_str_equal (s->element, element) &&
        g_str_equal (s->property, property)) {
      g_ptr_array_remove_index (self->kept, i);
      break;
    }
  }
  if (!value)
    return;
  s = g_new0 (Setting, 1);
  s->element = g_strdup (element);
  s->property = g_strdup (property);
  g_value_init (&s->value, G_VALUE_TYPE (value));
  g_value_copy (value, &s->value);
  g_ptr_array_add (self->kept, s);
}

static void
on_deep_notify (GstObject * pool, GstObject * origin, GParamSpec * pspec,
    gpointer user_data)
{
  GstPoolSettings *self = user_data;
  GstElement *replica;
  GValue value = G_VALUE_INIT;
  gboolean quiet;

  if (!GST_IS_ELEMENT (origin) || !is_kept_property (pspec) ||
      !(pspec->flags & G_PARAM_READABLE))
    return;
  g_mutex_lock (&self->lock);
  quiet = self->quiet == g_thread_self ();
  g_mutex_unlock (&self->lock);
  if (quiet)
    return;
  replica = replica_of (self->pool, origin);
  if (!replica)
    return;
  g_value_init (&value, pspec->value_type);
  g_object_get_property (G_OBJECT (origin), pspec->name, &value);
  g_mutex_lock (&self->lock);
  keep_locked (self, GST_OBJECT_NAME (origin), pspec->name, &value);
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self->pool, "kept %s::%s (replica %s)",
      GST_OBJECT_NAME (origin), pspec->name, GST_OBJECT_NAME (replica));
  g_value_unset (&value);
  gst_object_unref (replica);
}

/* Starts watching @pool (a #GstBin) for values set on its replicas. */
GstPoolSettings *
gst_pool_settings_new (GstElement * pool)
{
  GstPoolSettings *self = g_new0 (GstPoolSettings, 1);

  self->pool = pool;
  g_mutex_init (&self->lock);
  self->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) setting_free);
  self->missing = g_ptr_array_new_with_free_func (g_free);
  self->handler = g_signal_connect (pool, "deep-notify",
      G_CALLBACK (on_deep_notify), self);
  return self;
}

/* In the pool's finalize (its signal handlers are gone by then). */
void
gst_pool_settings_free (GstPoolSettings * self)
{
  g_ptr_array_unref (self->kept);
  g_ptr_array_unref (self->missing);
  g_free (self->bad_setting);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/* Sets @property of @object (in the pool) to @value, if it has such a
 * property that takes it, without keeping it as set on a replica: the
 * pool's own values, and the kept ones given again. */
void
gst_pool_settings_set_quietly (GstPoolSettings * self, GObject * object,
    const gchar * property, const GValue * value)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (object), property);

  if (!pspec || !is_kept_property (pspec) ||
      !g_value_type_transformable (G_VALUE_TYPE (value), pspec->value_type)) {
    GST_DEBUG_OBJECT (self->pool, "%s has no property %s to take the kept "
        "value", GST_OBJECT_NAME (object), property);
    return;
  }
  g_mutex_lock (&self->lock);
  self->quiet = g_thread_self ();
  g_mutex_unlock (&self->lock);
  g_object_set_property (object, property, value);
  g_mutex_lock (&self->lock);
  self->quiet = NULL;
  g_mutex_unlock (&self->lock);
}

/* Gives @replica (just built, in the pool) and the elements inside it
 * what was set on the ones of the same names before. */
void
gst_pool_settings_apply (GstPoolSettings * self, GstElement * replica)
{
  const gchar *name = GST_OBJECT_NAME (replica);
  gchar *inner = g_strdup_printf ("%s_", name);
  GPtrArray *todo = g_ptr_array_new_with_free_func ((GDestroyNotify)
      setting_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->kept->len; i++) {
    Setting *s = g_ptr_array_index (self->kept, i);
    Setting *copy;

    if (!g_str_equal (s->element, name) && !(GST_IS_BIN (replica) &&
            g_str_has_prefix (s->element, inner)))
      continue;
    copy = g_new0 (Setting, 1);
    copy->element = g_strdup (s->element);
    copy->property = g_strdup (s->property);
    g_value_init (&copy->value, G_VALUE_TYPE (&s->value));
    g_value_copy (&s->value, &copy->value);
    g_ptr_array_add (todo, copy);
  }
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < todo->len; i++) {
    Setting *s = g_ptr_array_index (todo, i);
    GstElement *target = g_str_equal (s->element, name) ?
        gst_object_ref (replica) :
        gst_bin_get_by_name (GST_BIN (replica), s->element);

    if (!target)
      continue;
    GST_DEBUG_OBJECT (self->pool, "giving %s::%s its kept value",
        s->element, s->property);
    gst_pool_settings_set_quietly (self, G_OBJECT (target), s->property,
        &s->value);
    gst_object_unref (target);
  }
  g_ptr_array_unref (todo);
  g_free (inner);
}

/* The pool's own value of @property replaces what was set on its
 * replicas themselves before: forgotten. */
void
gst_pool_settings_forget (GstPoolSettings * self, const gchar * property)
{
  g_mutex_lock (&self->lock);
  for (guint i = self->kept->len; i > 0; i--) {
    Setting *s = g_ptr_array_index (self->kept, i - 1);

    if (g_str_equal (s->property, property) &&
        is_replica_name (self->pool, s->element))
      g_ptr_array_remove_index (self->kept, i - 1);
  }
  g_mutex_unlock (&self->lock);
}

/* Keeps @setting, what a controller set in the child of replica @replica
 * (a "set" structure: element, property, value as text), as element
 * "@replica/ELEMENT". */
void
gst_pool_settings_keep_child (GstPoolSettings * self, const gchar * replica,
    const GstStructure * setting)
{
  const gchar *element = gst_structure_get_string (setting, "element");
  const gchar *property = gst_structure_get_string (setting, "property");
  const gchar *text = gst_structure_get_string (setting, "value");
  GValue value = G_VALUE_INIT;
  gchar *name;

  if (!element || !property || !text)
    return;
  name = g_strdup_printf ("%s/%s", replica, element);
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, text);
  g_mutex_lock (&self->lock);
  keep_locked (self, name, property, &value);
  g_mutex_unlock (&self->lock);
  g_value_unset (&value);
  g_free (name);
}

/* What was set in the children of the replica named @replica before
 * (gst_pool_settings_keep_child()): "set" structures for its next child. */
GPtrArray *
gst_pool_settings_dup_child (GstPoolSettings * self, const gchar * replica)
{
  GPtrArray *sets = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  gchar *prefix = g_strdup_printf ("%s/", replica);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->kept->len; i++) {
    Setting *s = g_ptr_array_index (self->kept, i);

    if (g_str_has_prefix (s->element, prefix) &&
        G_VALUE_HOLDS_STRING (&s->value))
      g_ptr_array_add (sets, gst_structure_new ("set", "element",
              G_TYPE_STRING, s->element + strlen (prefix), "property",
              G_TYPE_STRING, s->property, "value", G_TYPE_STRING,
              g_value_get_string (&s->value), NULL));
  }
  g_mutex_unlock (&self->lock);
  g_free (prefix);
  return sets;
}

/* What follows replica @replica's name in @element ("", "_NAME" inside
 * a thread replica, "/NAME" in its child), or NULL: not its. */
static const gchar *
replica_suffix (const gchar * element, const gchar * replica)
{
  const gchar *rest;

  if (!g_str_has_prefix (element, replica))
    return NULL;
  rest = element + strlen (replica);
  return *rest == '\0' || *rest == '_' || *rest == '/' ? rest : NULL;
}

/* With the lock: the setting of @element's @property, or NULL. */
static Setting *
find_locked (GstPoolSettings * self, const gchar * element,
    const gchar * property)
{
  for (guint i = 0; i < self->kept->len; i++) {
    Setting *s = g_ptr_array_index (self->kept, i);

    if (g_str_equal (s->element, element) &&
        g_str_equal (s->property, property))
      return s;
  }
  return NULL;
}

/* Gives replica @r of the pool named @pool, about to be added, what was
 * set alike on each of @peers (@n_peers replica numbers: those there
 * were), on the replica or on the same element in it, unless it has a
 * value of its own (or is one of @peers). */
void
gst_pool_settings_share (GstPoolSettings * self, const gchar * pool,
    guint r, const guint * peers, guint n_peers)
{
  gchar *first, *name;
  GPtrArray *shared;

  if (n_peers == 0)
    return;
  for (guint p = 0; p < n_peers; p++)
    if (peers[p] == r)
      return;                   /* not a new one: it has its own values */
  shared = g_ptr_array_new_with_free_func ((GDestroyNotify) setting_free);
  first = g_strdup_printf ("%s_r%u", pool, peers[0]);
  name = g_strdup_printf ("%s_r%u", pool, r);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->kept->len; i++) {
    Setting *s = g_ptr_array_index (self->kept, i), *copy;
    const gchar *suffix = replica_suffix (s->element, first);
    gboolean alike = suffix != NULL;
    gchar *mine;

    for (guint p = 1; alike && p < n_peers; p++) {
      gchar *other = g_strdup_printf ("%s_r%u%s", pool, peers[p], suffix);
      Setting *o = find_locked (self, other, s->property);

      alike = o && G_VALUE_TYPE (&o->value) == G_VALUE_TYPE (&s->value) &&
          gst_value_compare (&o->value, &s->value) == GST_VALUE_EQUAL;
      g_free (other);
    }
    if (!alike)
      continue;
    mine = g_strdup_printf ("%s%s", name, suffix);
    if (find_locked (self, mine, s->property)) {
      g_free (mine);
      continue;
    }
    copy = g_new0 (Setting, 1);
    copy->element = mine;
    copy->property = g_strdup (s->property);
    g_value_init (&copy->value, G_VALUE_TYPE (&s->value));
    g_value_copy (&s->value, &copy->value);
    g_ptr_array_add (shared, copy);
  }
  for (guint i = 0; i < shared->len; i++) {
    Setting *s = g_ptr_array_index (shared, i);

    GST_DEBUG_OBJECT (self->pool, "giving %s::%s, set on every replica",
        s->element, s->property);
    keep_locked (self, s->element, s->property, &s->value);
  }
  g_mutex_unlock (&self->lock);
  g_ptr_array_unref (shared);
  g_free (first);
  g_free (name);
}

/* Gives @replica, a processreplica, the pool's value of @property (one
 * of process_properties). */
void
gst_pool_settings_give_own (GstPoolSettings * self, GstElement * replica,
    const gchar * property)
{
  GValue value = G_VALUE_INIT;

  g_value_init (&value, G_TYPE_UINT);
  g_object_get_property (G_OBJECT (self->pool), property, &value);
  gst_pool_settings_set_quietly (self, G_OBJECT (replica), property, &value);
  g_value_unset (&value);
}

/* Gives @replica, just built and added to the pool, the pool's values for
 * a child process (a processreplica), then what was set on a replica of
 * its name (and inside it, also in its child) before it was built
 * again. */
void
gst_pool_settings_give (GstPoolSettings * self, GstElement * replica)
{
  GPtrArray *sets;

  if (GST_IS_PROCESS_REPLICA (replica))
    for (guint p = 0; p < G_N_ELEMENTS (process_properties); p++)
      gst_pool_settings_give_own (self, replica, process_properties[p]);
  gst_pool_settings_apply (self, replica);
  if (!GST_IS_PROCESS_REPLICA (replica))
    return;
  sets = gst_pool_settings_dup_child (self, GST_OBJECT_NAME (replica));
  for (guint i = 0; i < sets->len; i++)
    gst_process_replica_keep_child_setting (GST_PROCESS_REPLICA (replica),
        g_ptr_array_index (sets, i));
  g_ptr_array_unref (sets);
}

/* What a controller set in the child of @replica, if a processreplica
 * (`set p_r0/NAME prop=v`, which the replica keeps for its next child),
 * kept for the replica built again under its name. */
void
gst_pool_settings_take (GstPoolSettings * self, GstElement * replica)
{
  GPtrArray *sets;

  if (!replica || !GST_IS_PROCESS_REPLICA (replica))
    return;
  sets = gst_process_replica_dup_child_settings (GST_PROCESS_REPLICA
      (replica));
  for (guint i = 0; i < sets->len; i++)
    gst_pool_settings_keep_child (self, GST_OBJECT_NAME (replica),
        g_ptr_array_index (sets, i));
  g_ptr_array_unref (sets);
}

/* A description's `p_r0::nosuch=1`: GStreamer's parser sets it as the
 * replica is added (the pool builds at its first use) and, finding no
 * such property, only warns (on an element there at once, that is a
 * parse error). It is kept, as an error the pool's start gives
 * (gst_pool_settings_check()). Returns: whether @message, posted by the
 * pool, was that warning (then taken). */
gboolean
gst_pool_settings_take_warning (GstPoolSettings * self, GstMessage * message)
{
  GError *err = NULL;
  gchar *debug = NULL;
  const gchar *what;

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_WARNING ||
      GST_MESSAGE_SRC (message) != GST_OBJECT (self->pool))
    return FALSE;
  gst_message_parse_warning (message, &err, &debug);
  what = debug ? strstr (debug, "no property \"") : NULL;
  if (g_error_matches (err, GST_PARSE_ERROR,
          GST_PARSE_ERROR_NO_SUCH_PROPERTY) && what) {
    what += strlen ("no property \"");
    g_mutex_lock (&self->lock);
    if (!self->bad_setting)
      self->bad_setting = g_strndup (what, strcspn (what, "\""));
    g_mutex_unlock (&self->lock);
    GST_WARNING_OBJECT (self->pool, "%s", debug);
    gst_message_unref (message);
  } else {
    what = NULL;
  }
  g_clear_error (&err);
  g_free (debug);
  return what != NULL;
}

/* The pool's child proxy was asked for its child @name, and @found it
 * or not. GStreamer's parser asks for `p_r5` of a description's
 * `p_r5::hang-timeout=10` as it makes the pool (a new, floating object;
 * the pool builds its replicas later) and, finding none, keeps the value
 * for a child of that name that may come ("child-added"): a name a new
 * pool did not have is kept here, until a child of that name is found
 * (the parser then sets its value), for gst_pool_settings_check(). */
void
gst_pool_settings_looked_up (GstPoolSettings * self, const gchar * name,
    gboolean found)
{
  gboolean floating = g_object_is_floating (self->pool);
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->missing->len; i++)
    if (g_str_equal (g_ptr_array_index (self->missing, i), name))
      break;
  if (found && i < self->missing->len)
    g_ptr_array_remove_index (self->missing, i);
  else if (!found && floating && i == self->missing->len)
    g_ptr_array_add (self->missing, g_strdup (name));
  g_mutex_unlock (&self->lock);
}

/* With the lock: the names of the children the pool's description set a
 * value on and that it did not have when the parser asked (the parser
 * still waits for them), or NULL: none, or the parser waits no more. */
static gchar **
dup_missing_locked (GstPoolSettings * self)
{
  guint added = g_signal_lookup ("child-added", GST_TYPE_CHILD_PROXY);
  gchar **names;

  /* the parser waits for a child while its handler is connected */
  if (self->missing->len == 0 ||
      !g_signal_has_handler_pending (self->pool, added, 0, FALSE))
    return NULL;
  names = g_new0 (gchar *, self->missing->len + 1);
  for (guint i = 0; i < self->missing->len; i++)
    names[i] = g_strdup (g_ptr_array_index (self->missing, i));
  return names;
}

/* Without the lock: the first of @names that is no child of the pool, or
 * NULL. gst_bin_get_by_name() takes the pool's object lock, which is taken
 * before the lock (the `worker` property's setter forgets the replicas'
 * values with it held): never with the lock. */
static gchar *
dup_first_absent (GstPoolSettings * self, gchar ** names)
{
  for (guint i = 0; names && names[i]; i++) {
    GstElement *child = gst_bin_get_by_name (GST_BIN (self->pool), names[i]);

    if (!child)
      return g_strdup (names[i]);
    gst_object_unref (child);
  }
  return NULL;
}

/* What a pool whose size is @size says of @name, a child it does not
 * have. */
static gchar *
missing_text (GstPoolSettings * self, const gchar * name, guint size)
{
  const gchar *pool = GST_OBJECT_NAME (self->pool);
  gchar *replicas = size == 1 ? g_strdup_printf ("its one replica is %s_r0",
      pool) : g_strdup_printf ("its replicas are %s_r0 to %s_r%u", pool, pool,
      size - 1);
  gchar *text;

  if (is_replica_name (self->pool, name))
    text = g_strdup_printf ("a value is set on %s (%s::...), a replica it "
        "does not have: its size is %u, %s", name, name, size, replicas);
  else
    text = g_strdup_printf ("a value is set on %s (%s::...), which it does "
        "not have: %s, with %s_dispatch, %s_collect and each replica's "
        "queues (%s_r0_in, %s_r0_out)", name, name, replicas, pool, pool, pool,
        pool);
  g_free (replicas);
  return text;
}

/* Returns: %FALSE, with @error set, if the description set what no
 * replica has: a property (gst_pool_settings_take_warning()), or a child
 * (`p_r5::hang-timeout=10` with size=2: gst_pool_settings_looked_up()). */
gboolean
gst_pool_settings_check (GstPoolSettings * self, GError ** error)
{
  gchar **names, *missing, *text;
  guint size = 0;

  g_mutex_lock (&self->lock);
  if (self->bad_setting) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, "no property "
        "\"%s\" (a property of a replica, or of an element in it, as "
        "p_r0::hang-timeout or p_r0::p_r0_NAME::PROPERTY with thread "
        "replicas)", self->bad_setting);
    g_mutex_unlock (&self->lock);
    return FALSE;
  }
  names = dup_missing_locked (self);
  g_mutex_unlock (&self->lock);
  missing = dup_first_absent (self, names);
  g_strfreev (names);
  if (!missing)
    return TRUE;

  g_object_get (self->pool, "size", &size, NULL);
  text = missing_text (self, missing, size);
  g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED, text);
  g_free (text);
  g_free (missing);
  return FALSE;
}
