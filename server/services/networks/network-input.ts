/**
 * What the Networks page sends, and what is acceptable: a network's name, its subnet and gateway (IPv4, the gateway a
 * host address inside the subnet), whether it is internal (no route out), and labels; connecting a container with an
 * optional alias and address. Messages are shown next to their fields. The engine judges the rest (an overlapping
 * subnet, an address already taken) and its words reach the form.
 */
import { z } from "zod";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** The networks every engine has, which cannot be removed: the default bridge, the host's stack, no network. */
export const BUILTIN_NETWORKS = ["bridge", "host", "none"] as const;

/** The label naming the team that owns a resource created through the console. */
export const TEAM_LABEL = "hako.team";


/** A network named by its ID (or a unique prefix of it) or its name, as the Docker API accepts. */
export const networkRefSchema = z
  .string()
  .trim()
  .min(1, "Name a network.")
  .max(256)
  .regex(NAME, "A network is named by its ID or its name.");

const containerRefSchema = z
  .string()
  .trim()
  .min(1, "Name a container.")
  .max(256)
  .regex(/^\/?[A-Za-z0-9][A-Za-z0-9_.-]*$/, "A container is named by its ID or its name.");

/** "a.b.c.d" as a 32-bit number, or null. */
export function ipv4ToNumber(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** Whether `ip` is a host address of `cidr` (inside it, neither its network nor its broadcast address). */
export function isHostAddressOf(cidr: string, ip: string): boolean {
  const [base = "", bits = ""] = cidr.split("/");
  const start = ipv4ToNumber(base);
  const addr = ipv4ToNumber(ip);
  const prefix = Number(bits);
  if (start === null || addr === null || !Number.isInteger(prefix)) return false;
  const size = 2 ** (32 - prefix);
  const network = start - (start % size);
  return addr > network && addr < network + size - 1;
}

const ipv4 = z.string().trim().max(15).default("");

export const networkCreateSchema = z
  .object({
    name: z.string().trim().min(1, "Name the network.").max(128).regex(NAME, "Use letters, digits, _ . -, starting with a letter or digit."),
    subnet: z.string().trim().max(18).default(""),
    gateway: ipv4,
    internal: z.boolean().default(false),
    labels: z.array(z.string().max(4096)).max(200).default([]),
  })
  .superRefine((input, ctx) => {
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    if (input.subnet && !z.cidrv4().safeParse(input.subnet).success) {
      problem(["subnet"], "Write an IPv4 subnet in CIDR form, such as 10.20.0.0/24.");
    } else if (input.subnet && Number(input.subnet.split("/")[1]) > 30) {
      problem(["subnet"], "A subnet needs room for a gateway and containers: use a prefix of /30 or shorter.");
    }
    if (input.gateway) {
      if (ipv4ToNumber(input.gateway) === null) problem(["gateway"], "Write an IPv4 address, such as 10.20.0.1.");
      else if (!input.subnet) problem(["gateway"], "A gateway needs a subnet: give one, or leave both empty to have one chosen.");
      else if (z.cidrv4().safeParse(input.subnet).success && !isHostAddressOf(input.subnet, input.gateway)) {
        problem(["gateway"], `The gateway must be a host address inside ${input.subnet}.`);
      }
    }
    input.labels.forEach((entry, i) => {
      if (!/^[^=\s]+=/.test(entry)) problem(["labels", i], `"${entry.slice(0, 40)}": write each label as key=value, one per line.`);
    });
  });

export type NetworkCreateInput = z.input<typeof networkCreateSchema>;
export type NetworkCreateSpec = z.output<typeof networkCreateSchema>;

export const networkConnectSchema = z
  .object({
    network: networkRefSchema,
    container: containerRefSchema,
    /** extra names the container answers to on this network (user-defined networks only) */
    aliases: z.array(z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "An alias is a host name: letters, digits, _ . -.")).max(16).default([]),
    ip: ipv4.refine((v) => v === "" || ipv4ToNumber(v) !== null, "Write an IPv4 address, such as 10.20.0.5."),
  });

export const networkDisconnectSchema = z.object({
  network: networkRefSchema,
  container: containerRefSchema,
  force: z.boolean().default(false),
});

/** "key=value" lines as a label map (input already checked). */
export function labelsOf(lines: string[]): Record<string, string> {
  return Object.fromEntries(lines.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}
