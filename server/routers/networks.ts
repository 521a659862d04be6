/**
 * Networks on the engine: the list, one network with its attached containers, and the changes (create, remove,
 * connect and disconnect a container), each audited with the network as its target, and refused outside the caller's
 * teams (../auth/team-scope.ts; the built-in networks are everyone's).
 */
import { inScope, TEAM_LABEL } from "../auth/team-scope";
import { z } from "zod";
import { engine } from "../engine/client";
import { scopedContainer } from "../services/containers/container-scope";
import { ServiceError } from "../services/errors";
import { listNetworks, networkDetail } from "../services/networks/list-networks";
import { connectContainer, createNetwork, disconnectContainer, removeNetwork, type NetworkRef } from "../services/networks/network-changes";
import { networkConnectSchema, networkCreateSchema, networkDisconnectSchema, networkRefSchema } from "../services/networks/network-input";
import { requireNetworkScope } from "../services/networks/network-scope";
import { requireInScope, requireTeamForNew, standingOf } from "../services/teams/standing";
import { createTRPCRouter, procedure, type AuditNote } from "../trpc";

const networkRef = z.object({ id: networkRefSchema });

/** The labels the console adds to a network it creates: the team it belongs to (chosen like a container's). */
function networkOwnerLabels(team: string, labels: string[]): Record<string, string> {
  if (labels.some((entry) => entry.startsWith(`${TEAM_LABEL}=`))) {
    throw new ServiceError("InvalidArgument", `${TEAM_LABEL} is set from the team, not as a label.`);
  }
  return team ? { [TEAM_LABEL]: team } : {};
}

/** Names the network in the audit row: what was asked for first, the engine's ID and name once known. */
function noteNetwork(audit: AuditNote, network: NetworkRef): NetworkRef {
  audit.target = { kind: "network", id: network.id, name: network.name };
  audit.team = network.team;
  return network;
}

export const networksRouter = createTRPCRouter({
  list: procedure("network.list").query(async ({ ctx }) => {
    const standing = await standingOf(ctx.db, ctx.principal);
    const networks = await listNetworks(engine(), (team) => inScope(standing, team));
    return networks.filter((n) => n.builtin || inScope(standing, n.team));
  }),

  inspect: procedure("network.inspect")
    .input(networkRef)
    .query(async ({ ctx, input }) => {
      const standing = await standingOf(ctx.db, ctx.principal);
      const network = await networkDetail(engine(), input.id, (team) => inScope(standing, team));
      noteNetwork(ctx.audit, network);
      if (!network.builtin) requireInScope(standing, "network.inspect", network.team, `Network ${network.name}`);
      return network;
    }),

  create: procedure("network.create")
    .input(networkCreateSchema.safeExtend({ team: z.string().trim().max(64).default("") }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "network", name: input.name };
      ctx.audit.team = input.team || null;
      await requireTeamForNew(ctx.db, ctx.principal, input.team, "network.create");
      return noteNetwork(ctx.audit, await createNetwork(engine(), input, networkOwnerLabels(input.team, input.labels)));
    }),

  remove: procedure("network.remove")
    .input(networkRef)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "network", name: input.id };
      await requireNetworkScope(engine(), ctx.db, ctx.principal, input.id, "network.remove");
      return noteNetwork(ctx.audit, await removeNetwork(engine(), input.id, (found) => noteNetwork(ctx.audit, found)));
    }),

  connect: procedure("network.connect")
    .input(networkConnectSchema)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "network", name: input.network };
      // The IDs that were checked are the ones acted on, so a rename in between cannot redirect the change.
      const network = await requireNetworkScope(engine(), ctx.db, ctx.principal, input.network, "network.connect");
      const { target } = await scopedContainer(engine(), ctx.db, ctx.principal, input.container, "network.connect", {});
      return noteNetwork(ctx.audit, await connectContainer(engine(), network.id, target.id, input, (found) => noteNetwork(ctx.audit, found)));
    }),

  disconnect: procedure("network.disconnect")
    .input(networkDisconnectSchema)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "network", name: input.network };
      const network = await requireNetworkScope(engine(), ctx.db, ctx.principal, input.network, "network.disconnect");
      const { target } = await scopedContainer(engine(), ctx.db, ctx.principal, input.container, "network.disconnect", {});
      return noteNetwork(ctx.audit, await disconnectContainer(engine(), network.id, target.id, input.force, (found) => noteNetwork(ctx.audit, found)));
    }),
});
