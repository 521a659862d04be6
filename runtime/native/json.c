/* A small JSON (RFC 8259) DOM parser: enough for an OCI config.json. Strict about syntax, depth-limited. */
#include "hako-shim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

struct parser {
  const char *p, *end, *start;
};

static int parse_value (struct parser *ps, int depth, struct json_value **out, hako_error_t *err);

static int
syntax_error (struct parser *ps, hako_error_t *err, const char *what)
{
  return hako_make_error (err, 0, "invalid JSON at offset %zu: %s", (size_t) (ps->p - ps->start), what);
}

static void
skip_space (struct parser *ps)
{
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static int
literal (struct parser *ps, const char *word)
{
  size_t n = strlen (word);
  if ((size_t) (ps->end - ps->p) < n || memcmp (ps->p, word, n) != 0)
    return 0;
  ps->p += n;
  return 1;
}

static int
hex4 (struct parser *ps, unsigned *out)
{
  unsigned v = 0;
  int i;

  if (ps->end - ps->p < 4)
    return -1;
  for (i = 0; i < 4; i++)
    {
      char c = *ps->p++;
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return -1;
    }
  *out = v;
  return 0;
}

static size_t
put_utf8 (char *dst, unsigned cp)
{
  if (cp < 0x80)
    return dst[0] = cp, 1;
  if (cp < 0x800)
    return dst[0] = 0xc0 | (cp >> 6), dst[1] = 0x80 | (cp & 0x3f), 2;
  if (cp < 0x10000)
    return dst[0] = 0xe0 | (cp >> 12), dst[1] = 0x80 | ((cp >> 6) & 0x3f), dst[2] = 0x80 | (cp & 0x3f), 3;
  dst[0] = 0xf0 | (cp >> 18);
  dst[1] = 0x80 | ((cp >> 12) & 0x3f);
  dst[2] = 0x80 | ((cp >> 6) & 0x3f);
  dst[3] = 0x80 | (cp & 0x3f);
  return 4;
}

/* ps->p is on the opening quote. The decoded text is never longer than the encoded one. */
static int
parse_string (struct parser *ps, char **out, hako_error_t *err)
{
  const char *q;
  char *buf, *w;

  ps->p++;
  for (q = ps->p; q < ps->end && *q != '"'; q++)
    if (*q == '\\')
      q++;
  if (q >= ps->end)
    return syntax_error (ps, err, "unterminated string");
  buf = w = hako_xcalloc (1, (size_t) (q - ps->p) + 1);
  while (*ps->p != '"')
    {
      unsigned char c = (unsigned char) *ps->p++;
      unsigned cp, lo;
      if (c < 0x20)
        goto bad_control;
      if (c != '\\')
        {
          *w++ = (char) c;
          continue;
        }
      c = (unsigned char) *ps->p++;
      switch (c)
        {
        case '"': case '\\': case '/': *w++ = (char) c; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u':
          if (hex4 (ps, &cp) < 0)
            goto bad_escape;
          if (cp >= 0xd800 && cp < 0xdc00)
            {
              if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u')
                goto bad_escape;
              ps->p += 2;
              if (hex4 (ps, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
                goto bad_escape;
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
          else if (cp >= 0xdc00 && cp <= 0xdfff)
            goto bad_escape;
          if (cp == 0)
            goto bad_escape;
          w += put_utf8 (w, cp);
          break;
        default:
          goto bad_escape;
        }
    }
  ps->p++;
  *w = '\0';
  *out = buf;
  return 0;

bad_control:
  free (buf);
  return syntax_error (ps, err, "control character in string");
bad_escape:
  free (buf);
  return syntax_error (ps, err, "bad escape in string");
}

static int
parse_number (struct parser *ps, struct json_value *v, hako_error_t *err)
{
  const char *s = ps->p;
  char buf[64];
  int integer = 1;

  if (ps->p < ps->end && *ps->p == '-')
    ps->p++;
  if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
    return syntax_error (ps, err, "bad number");
  if (*ps->p == '0')
    ps->p++;
  else
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
      ps->p++;
  if (ps->p < ps->end && *ps->p == '.')
    {
      integer = 0;
      ps->p++;
      if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
        return syntax_error (ps, err, "bad number");
      while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
        ps->p++;
    }
  if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E'))
    {
      integer = 0;
      ps->p++;
      if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
        ps->p++;
      if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
        return syntax_error (ps, err, "bad number");
      while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
        ps->p++;
    }
  if ((size_t) (ps->p - s) >= sizeof buf)
    return syntax_error (ps, err, "number too long");
  memcpy (buf, s, ps->p - s);
  buf[ps->p - s] = '\0';
  v->type = JSON_NUMBER;
  v->number = strtod (buf, NULL);
  if (integer)
    {
      errno = 0;
      v->integer = strtoll (buf, NULL, 10);
      v->is_integer = errno == 0;
      errno = 0;
      if (buf[0] != '-')
        v->uint64 = strtoull (buf, NULL, 10);
      v->is_uint64 = buf[0] != '-' && errno == 0;
    }
  return 0;
}

static int
parse_container (struct parser *ps, int depth, struct json_value *v, hako_error_t *err)
{
  int object = *ps->p == '{';
  char close = object ? '}' : ']';
  size_t cap = 0;

  v->type = object ? JSON_OBJECT : JSON_ARRAY;
  ps->p++;
  skip_space (ps);
  if (ps->p < ps->end && *ps->p == close)
    {
      ps->p++;
      return 0;
    }
  for (;;)
    {
      char *key = NULL;
      struct json_value *item = NULL;

      skip_space (ps);
      if (object)
        {
          if (ps->p >= ps->end || *ps->p != '"')
            return syntax_error (ps, err, "expected a member name");
          if (parse_string (ps, &key, err) < 0)
            return -1;
          skip_space (ps);
          if (ps->p >= ps->end || *ps->p != ':')
            {
              free (key);
              return syntax_error (ps, err, "expected ':'");
            }
          ps->p++;
        }
      if (parse_value (ps, depth + 1, &item, err) < 0)
        {
          free (key);
          return -1;
        }
      if (v->len == cap)
        {
          cap = cap ? cap * 2 : 8;
          v->items = realloc (v->items, cap * sizeof *v->items);
          if (object)
            v->keys = realloc (v->keys, cap * sizeof *v->keys);
          if (v->items == NULL || (object && v->keys == NULL))
            abort ();
        }
      v->items[v->len] = item;
      if (object)
        v->keys[v->len] = key;
      v->len++;
      skip_space (ps);
      if (ps->p < ps->end && *ps->p == ',')
        {
          ps->p++;
          continue;
        }
      if (ps->p < ps->end && *ps->p == close)
        {
          ps->p++;
          return 0;
        }
      return syntax_error (ps, err, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int
parse_value (struct parser *ps, int depth, struct json_value **out, hako_error_t *err)
{
  struct json_value *v;
  int ret = 0;

  if (depth > JSON_MAX_DEPTH)
    return syntax_error (ps, err, "nested too deeply");
  skip_space (ps);
  if (ps->p >= ps->end)
    return syntax_error (ps, err, "unexpected end");
  v = hako_xcalloc (1, sizeof *v);
  switch (*ps->p)
    {
    case '{':
    case '[':
      ret = parse_container (ps, depth, v, err);
      break;
    case '"':
      v->type = JSON_STRING;
      ret = parse_string (ps, &v->string, err);
      break;
    case 't':
    case 'f':
    case 'n':
      if (literal (ps, "true"))
        v->type = JSON_BOOL, v->boolean = 1;
      else if (literal (ps, "false"))
        v->type = JSON_BOOL;
      else if (literal (ps, "null"))
        v->type = JSON_NULL;
      else
        ret = syntax_error (ps, err, "unknown literal");
      break;
    default:
      ret = parse_number (ps, v, err);
    }
  if (ret < 0)
    {
      json_free (v);
      return -1;
    }
  *out = v;
  return 0;
}

int
json_parse (const char *text, size_t len, struct json_value **out, hako_error_t *err)
{
  struct parser ps = { text, text + len, text };
  struct json_value *v;

  if (parse_value (&ps, 0, &v, err) < 0)
    return -1;
  skip_space (&ps);
  if (ps.p != ps.end)
    {
      json_free (v);
      return syntax_error (&ps, err, "trailing characters");
    }
  *out = v;
  return 0;
}

void
json_free (struct json_value *v)
{
  size_t i;

  if (v == NULL)
    return;
  for (i = 0; i < v->len; i++)
    {
      json_free (v->items[i]);
      if (v->keys)
        free (v->keys[i]);
    }
  free (v->items);
  free (v->keys);
  free (v->string);
  free (v);
}

const struct json_value *
json_get (const struct json_value *object, const char *key)
{
  size_t i;

  if (object == NULL || object->type != JSON_OBJECT)
    return NULL;
  /* the last member wins, as in most decoders */
  for (i = object->len; i-- > 0;)
    if (strcmp (object->keys[i], key) == 0)
      return object->items[i];
  return NULL;
}
