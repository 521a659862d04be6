/**
 * Image references, parsed and normalised the way distribution/reference (and so Docker) does.
 *
 * Terms:
 * - **domain**: the registry host (and port), `docker.io` when the name has none.
 * - **path**: the repository path in that registry; official images live under `library/`.
 * - **repository**: domain + "/" + path, e.g. `docker.io/library/busybox`.
 * - **normalised** form: fully spelled out, `docker.io/library/busybox:latest`; what the store keeps.
 * - **familiar** form: what users type and see, `busybox:latest` (no `docker.io/`, no `library/`).
 *
 * Examples: `busybox` → `docker.io/library/busybox:latest`; `127.0.0.1:5000/team/bb:v1` stays as written;
 * `busybox@sha256:…` has a digest and no tag.
 */
import { invalidArgument } from "../errors.js";
import { isDigest } from "./digest.js";

export interface Reference {
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_PREFIX = "library/";
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar of distribution/reference/regexp.go.
const alphanumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const name = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const REFERENCE = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);
const TAG = new RegExp(`^${tag}$`);
const HEX64 = /^[a-f0-9]{64}$/;

const invalidFormat = (detail?: string) =>
  invalidArgument(detail ? `invalid reference format: ${detail}` : "invalid reference format");

/** Parses a reference as a user writes it and normalises its name; keeps tag and digest as given (both optional). */
export function parseNamed(input: string): Reference {
  if (input === "") throw invalidFormat("repository name must have at least one component");
  if (HEX64.test(input)) {
    throw invalidArgument(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitDomain(input);
  const remainderName = remainder.split(/[:@]/, 1)[0] ?? "";
  if (remainderName.toLowerCase() !== remainderName) {
    throw invalidFormat(`repository name (${remainderName}) must be lowercase`);
  }
  const match = REFERENCE.exec(`${domain}/${remainder}`);
  if (!match) throw invalidFormat();
  const repository = match[1] ?? "";
  if (repository.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalidFormat(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const ref: Reference = { domain, path: repository.slice(domain.length + 1) };
  if (match[2] !== undefined) ref.tag = match[2];
  if (match[3] !== undefined) {
    // The grammar admits other algorithms; the store only names content by sha256.
    if (!isDigest(match[3])) throw invalidFormat(`unsupported digest ${match[3]}`);
    ref.digest = match[3];
  }
  return ref;
}

/** Like {@link parseNamed}, with the tag defaulting to `latest` when neither tag nor digest is given. */
export function parseReference(input: string): Reference {
  const ref = parseNamed(input);
  if (ref.tag === undefined && ref.digest === undefined) ref.tag = "latest";
  return ref;
}

/** A repository name alone (no tag, no digest), e.g. the `repo` of `POST /images/{name}/tag`. */
export function parseRepository(input: string): Reference {
  const ref = parseNamed(input);
  if (ref.tag !== undefined || ref.digest !== undefined) throw invalidFormat();
  return ref;
}

export function parseTag(input: string): string {
  if (!TAG.test(input)) throw invalidFormat(`invalid tag ${JSON.stringify(input)}`);
  return input;
}

export function withTag(ref: Reference, tagName: string): Reference {
  return { domain: ref.domain, path: ref.path, tag: parseTag(tagName) };
}

/** `docker.io/library/busybox` */
export function repositoryName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The normalised string: `docker.io/library/busybox:latest`, `docker.io/library/busybox@sha256:…`. */
export function formatReference(ref: Reference): string {
  return repositoryName(ref) + suffix(ref);
}

/** `busybox`, `127.0.0.1:5000/team/bb` */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  if (ref.path.startsWith(OFFICIAL_PREFIX) && !ref.path.slice(OFFICIAL_PREFIX.length).includes("/")) {
    return ref.path.slice(OFFICIAL_PREFIX.length);
  }
  return ref.path;
}

/** `busybox:1.38.0-glibc`, as `docker images` shows it. */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + suffix(ref);
}

/** Familiar form of a normalised reference string (as kept in the store). */
export function familiarize(normalised: string): string {
  return familiarString(parseNamed(normalised));
}

function suffix(ref: Reference): string {
  return (ref.tag !== undefined ? `:${ref.tag}` : "") + (ref.digest !== undefined ? `@${ref.digest}` : "");
}

/** Splits off the registry domain, defaulting to Docker Hub (distribution/reference's splitDockerDomain). */
function splitDomain(input: string): [string, string] {
  const i = input.indexOf("/");
  let domain: string;
  let remainder: string;
  const first = i === -1 ? "" : input.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== "localhost" && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = input;
  } else {
    domain = first;
    remainder = input.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes("/")) remainder = OFFICIAL_PREFIX + remainder;
  return [domain, remainder];
}
