/* config.json (OCI runtime spec) -> struct hako_spec. Unknown fields are ignored; wrong types are errors. */
#include "hako-shim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const struct { const char *name; int resource; } rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};


int
spec_type_error (hako_error_t *err, const char *field, const char *want)
{
  return hako_make_error (err, 0, "config.json: `%s` must be %s", field, want);
}

/* Optional typed getters: 0 when absent (out untouched), 1 when present, -1 on a wrong type. */
int
spec_get_string (const struct json_value *o, const char *key, const char *field, char **out, hako_error_t *err)
{
  const struct json_value *v = json_get (o, key);
  if (v == NULL || v->type == JSON_NULL)
    return 0;
  if (v->type != JSON_STRING)
    return spec_type_error (err, field, "a string");
  free (*out);
  *out = hako_xstrdup (v->string);
  return 1;
}

int
spec_get_bool (const struct json_value *o, const char *key, const char *field, int *out, hako_error_t *err)
{
  const struct json_value *v = json_get (o, key);
  if (v == NULL || v->type == JSON_NULL)
    return 0;
  if (v->type != JSON_BOOL)
    return spec_type_error (err, field, "true or false");
  *out = v->boolean;
  return 1;
}

int
spec_get_int (const struct json_value *o, const char *key, const char *field, int64_t *out, hako_error_t *err)
{
  const struct json_value *v = json_get (o, key);
  if (v == NULL || v->type == JSON_NULL)
    return 0;
  if (v->type != JSON_NUMBER || !v->is_integer)
    return spec_type_error (err, field, "an integer");
  *out = v->integer;
  return 1;
}

int
spec_get_uint (const struct json_value *o, const char *key, const char *field, uint64_t *out, hako_error_t *err)
{
  const struct json_value *v = json_get (o, key);
  if (v == NULL || v->type == JSON_NULL)
    return 0;
  /* uint64 values above INT64_MAX (e.g. an unlimited rlimit) arrive as non-integral doubles */
  if (v->type != JSON_NUMBER || v->number < 0)
    return spec_type_error (err, field, "a non-negative integer");
  *out = v->is_uint64 ? v->uint64 : v->number >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t) v->number;
  return 1;
}

/* A NULL-terminated copy of an array of strings (absent -> empty array). */
int
spec_get_strings (const struct json_value *o, const char *key, const char *field, char ***out, size_t *n,
             hako_error_t *err)
{
  const struct json_value *v = json_get (o, key);
  size_t i;

  *out = hako_xcalloc (1, sizeof (char *));
  if (n)
    *n = 0;
  if (v == NULL || v->type == JSON_NULL)
    return 0;
  if (v->type != JSON_ARRAY)
    return spec_type_error (err, field, "an array of strings");
  free (*out);
  *out = hako_xcalloc (v->len + 1, sizeof (char *));
  for (i = 0; i < v->len; i++)
    {
      if (v->items[i]->type != JSON_STRING)
        return spec_type_error (err, field, "an array of strings");
      (*out)[i] = hako_xstrdup (v->items[i]->string);
    }
  if (n)
    *n = v->len;
  return 1;
}

static int
parse_capabilities (const struct json_value *caps, struct hako_spec *spec, hako_error_t *err)
{
  static const char *const sets[CAP_SET_COUNT] = { "bounding", "effective", "permitted", "inheritable", "ambient" };
  int s;

  if (caps == NULL || caps->type == JSON_NULL)
    return 0;
  if (caps->type != JSON_OBJECT)
    return spec_type_error (err, "process.capabilities", "an object");
  spec->has_capabilities = 1;
  for (s = 0; s < CAP_SET_COUNT; s++)
    {
      const struct json_value *list = json_get (caps, sets[s]);
      size_t i;
      if (list == NULL || list->type == JSON_NULL)
        continue;
      if (list->type != JSON_ARRAY)
        return spec_type_error (err, "process.capabilities", "an object of arrays of capability names");
      for (i = 0; i < list->len; i++)
        {
          int cap = list->items[i]->type == JSON_STRING ? caps_parse_name (list->items[i]->string) : -2;
          if (cap == -2)
            return spec_type_error (err, "process.capabilities", "an object of arrays of capability names");
          if (cap < 0)
            hako_warn ("unknown capability %s ignored", list->items[i]->string);
          else
            spec->caps[s] |= 1ull << cap;
        }
    }
  return 0;
}

static int
parse_rlimits (const struct json_value *list, struct hako_spec *spec, hako_error_t *err)
{
  size_t i, j;

  if (list == NULL || list->type == JSON_NULL)
    return 0;
  if (list->type != JSON_ARRAY)
    return spec_type_error (err, "process.rlimits", "an array");
  spec->rlimits = hako_xcalloc (list->len, sizeof *spec->rlimits);
  for (i = 0; i < list->len; i++)
    {
      struct hako_rlimit *r = &spec->rlimits[spec->n_rlimits++];
      if (spec_get_string (list->items[i], "type", "process.rlimits[].type", &r->name, err) <= 0
          || spec_get_uint (list->items[i], "hard", "process.rlimits[].hard", &r->hard, err) < 0
          || spec_get_uint (list->items[i], "soft", "process.rlimits[].soft", &r->soft, err) < 0)
        return hako_make_error (err, 0, "config.json: bad entry in process.rlimits");
      r->resource = -1;
      for (j = 0; j < sizeof rlimit_names / sizeof rlimit_names[0]; j++)
        if (strcmp (r->name, rlimit_names[j].name) == 0)
          r->resource = rlimit_names[j].resource;
      if (r->resource < 0)
        return hako_make_error (err, 0, "config.json: unknown rlimit `%s`", r->name);
    }
  return 0;
}

static int
parse_process (const struct json_value *p, struct hako_spec *spec, hako_error_t *err)
{
  const struct json_value *user = json_get (p, "user"), *gids;
  int64_t n;
  size_t i, n_args;

  if (p == NULL || p->type != JSON_OBJECT)
    return spec_type_error (err, "process", "an object");
  if (spec_get_bool (p, "terminal", "process.terminal", &spec->terminal, err) < 0
      || spec_get_strings (p, "args", "process.args", &spec->args, &n_args, err) < 0
      || spec_get_strings (p, "env", "process.env", &spec->env, NULL, err) < 0
      || spec_get_string (p, "cwd", "process.cwd", &spec->cwd, err) < 0
      || spec_get_bool (p, "noNewPrivileges", "process.noNewPrivileges", &spec->no_new_privileges, err) < 0
      || parse_capabilities (json_get (p, "capabilities"), spec, err) < 0
      || parse_rlimits (json_get (p, "rlimits"), spec, err) < 0)
    return -1;
  if (n_args == 0)
    return hako_make_error (err, 0, "config.json: process.args must not be empty");
  if (spec->cwd == NULL)
    spec->cwd = hako_xstrdup ("/");
  if (spec->cwd[0] != '/')
    return hako_make_error (err, 0, "config.json: process.cwd `%s` must be an absolute path", spec->cwd);
  if ((spec->has_oom_score_adj = spec_get_int (p, "oomScoreAdj", "process.oomScoreAdj", &n, err)) < 0)
    return -1;
  spec->oom_score_adj = (int) n;

  if (user == NULL)
    return 0;
  if (spec_get_int (user, "uid", "process.user.uid", &n, err) > 0)
    spec->uid = (uid_t) n;
  if (spec_get_int (user, "gid", "process.user.gid", &n, err) > 0)
    spec->gid = (gid_t) n;
  if ((spec->has_umask = spec_get_int (user, "umask", "process.user.umask", &n, err)) > 0)
    spec->umask = (mode_t) n & 07777;
  if (spec->has_umask < 0)
    return -1;
  gids = json_get (user, "additionalGids");
  if (gids && gids->type == JSON_ARRAY)
    {
      spec->additional_gids = hako_xcalloc (gids->len, sizeof (gid_t));
      for (i = 0; i < gids->len; i++)
        {
          if (gids->items[i]->type != JSON_NUMBER || !gids->items[i]->is_integer)
            return spec_type_error (err, "process.user.additionalGids", "an array of integers");
          spec->additional_gids[spec->n_additional_gids++] = (gid_t) gids->items[i]->integer;
        }
    }
  return 0;
}

static int
parse_mounts (const struct json_value *list, const char *bundle, struct hako_spec *spec, hako_error_t *err)
{
  size_t i;

  if (list == NULL || list->type == JSON_NULL)
    return 0;
  if (list->type != JSON_ARRAY)
    return spec_type_error (err, "mounts", "an array");
  spec->mounts = hako_xcalloc (list->len, sizeof *spec->mounts);
  for (i = 0; i < list->len; i++)
    {
      struct hako_mount *m = &spec->mounts[spec->n_mounts++];
      if (spec_get_string (list->items[i], "destination", "mounts[].destination", &m->destination, err) <= 0)
        return hako_make_error (err, 0, "config.json: mounts[%zu] has no destination", i);
      if (spec_get_string (list->items[i], "type", "mounts[].type", &m->type, err) < 0
          || spec_get_string (list->items[i], "source", "mounts[].source", &m->source, err) < 0
          || spec_get_strings (list->items[i], "options", "mounts[].options", &m->options, &m->n_options, err) < 0)
        return -1;
      if (m->destination[0] != '/')
        return hako_make_error (err, 0, "config.json: mount destination `%s` must be absolute", m->destination);
      if (m->source && m->source[0] != '/' && (m->type == NULL || strcmp (m->type, "bind") == 0))
        {
          char *abs = hako_asprintf ("%s/%s", bundle, m->source);
          free (m->source);
          m->source = abs;
        }
    }
  return 0;
}

int
spec_load (const char *bundle, struct hako_spec **out, hako_error_t *err)
{
  cleanup_free char *path = hako_asprintf ("%s/config.json", bundle);
  cleanup_free char *text = NULL;
  const struct json_value *root;
  struct json_value *doc = NULL;
  struct hako_spec *spec = hako_xcalloc (1, sizeof *spec);
  size_t len;

  if (hako_read_file (path, &text, &len, err) < 0 || json_parse (text, len, &doc, err) < 0)
    goto fail;
  if (doc->type != JSON_OBJECT)
    {
      hako_make_error (err, 0, "config.json: not a JSON object");
      goto fail;
    }
  root = json_get (doc, "root");
  if (parse_process (json_get (doc, "process"), spec, err) < 0
      || spec_get_string (root, "path", "root.path", &spec->root_path, err) < 0
      || spec_get_bool (root, "readonly", "root.readonly", &spec->root_readonly, err) < 0
      || spec_get_string (doc, "hostname", "hostname", &spec->hostname, err) < 0
      || spec_get_string (doc, "domainname", "domainname", &spec->domainname, err) < 0
      || parse_mounts (json_get (doc, "mounts"), bundle, spec, err) < 0
      || spec_parse_linux (json_get (doc, "linux"), spec, err) < 0)
    goto fail;
  if (spec->root_path == NULL)
    {
      hako_make_error (err, 0, "config.json: root.path is required");
      goto fail;
    }
  if (spec->root_path[0] != '/')
    {
      char *abs = hako_asprintf ("%s/%s", bundle, spec->root_path);
      free (spec->root_path);
      spec->root_path = abs;
    }
  json_free (doc);
  *out = spec;
  return 0;

fail:
  json_free (doc);
  spec_free (spec);
  return -1;
}

int
spec_load_process (const char *path, struct hako_spec **out, hako_error_t *err)
{
  cleanup_free char *text = NULL;
  struct json_value *doc = NULL;
  struct hako_spec *spec = hako_xcalloc (1, sizeof *spec);
  size_t len;

  /* what the rest of the shim expects of a spec: NULL-terminated lists, even when empty */
  spec->masked_paths = hako_xcalloc (1, sizeof (char *));
  spec->readonly_paths = hako_xcalloc (1, sizeof (char *));
  if (hako_read_file (path, &text, &len, err) < 0 || json_parse (text, len, &doc, err) < 0
      || parse_process (doc, spec, err) < 0)
    {
      json_free (doc);
      spec_free (spec);
      return -1;
    }
  json_free (doc);
  *out = spec;
  return 0;
}

static void
free_strv (char **v)
{
  size_t i;
  for (i = 0; v && v[i]; i++)
    free (v[i]);
  free (v);
}

void
spec_free (struct hako_spec *spec)
{
  size_t i;

  if (spec == NULL)
    return;
  free (spec->additional_gids);
  free_strv (spec->args);
  free_strv (spec->env);
  free (spec->cwd);
  for (i = 0; i < spec->n_rlimits; i++)
    free (spec->rlimits[i].name);
  free (spec->rlimits);
  free (spec->root_path);
  free (spec->hostname);
  free (spec->domainname);
  for (i = 0; i < spec->n_mounts; i++)
    {
      free (spec->mounts[i].destination);
      free (spec->mounts[i].type);
      free (spec->mounts[i].source);
      free_strv (spec->mounts[i].options);
    }
  free (spec->mounts);
  for (i = 0; i < spec->n_namespaces; i++)
    free (spec->namespaces[i].path);
  free (spec->cgroups_path);
  free (spec->resources.devices);
  for (i = 0; i < spec->n_devices; i++)
    free (spec->devices[i].path);
  free (spec->devices);
  free_strv (spec->masked_paths);
  free_strv (spec->readonly_paths);
  seccomp_free (spec->seccomp);
  free (spec);
}

const struct hako_namespace *
spec_namespace (const struct hako_spec *spec, int flag)
{
  size_t i;

  for (i = 0; i < spec->n_namespaces; i++)
    if (spec->namespaces[i].flag == flag)
      return &spec->namespaces[i];
  return NULL;
}
