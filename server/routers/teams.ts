/**
 * Teams: the list (one's own, or every team for an admin), and the admin's changes: create, rename, remove, and
 * members with their team role. Every change is audited with the team's name in the row's `team` column.
 */
import { z } from "zod";
import { engine } from "../engine/client";
import { memberInputSchema, teamIdSchema, teamNameSchema } from "../services/teams/team-input";
import { createTeam, listTeams, removeMember, removeTeam, renameTeam, setMember } from "../services/teams/teams";
import { createTRPCRouter, procedure } from "../trpc";

export const teamsRouter = createTRPCRouter({
  list: procedure("team.list").query(({ ctx }) => listTeams(ctx.db, ctx.principal)),

  create: procedure("team.create")
    .input(z.object({ name: teamNameSchema }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "team", name: input.name };
      ctx.audit.team = input.name;
      const team = await createTeam(ctx.db, input.name);
      ctx.audit.target.id = team.id;
      return team;
    }),

  rename: procedure("team.rename")
    .input(z.object({ id: teamIdSchema, name: teamNameSchema }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "team", id: input.id, name: input.name };
      const team = await renameTeam(ctx.db, engine(), input.id, input.name);
      ctx.audit.team = team.previous;
      return team;
    }),

  remove: procedure("team.remove")
    .input(z.object({ id: teamIdSchema }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "team", id: input.id };
      const team = await removeTeam(ctx.db, engine(), input.id);
      ctx.audit.target.name = team.name;
      ctx.audit.team = team.name;
      return team;
    }),

  setMember: procedure("team.member.set")
    .input(memberInputSchema)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "user", name: input.username };
      const member = await setMember(ctx.db, input.teamId, input.username, input.role);
      ctx.audit.target.id = member.userId;
      ctx.audit.team = member.team;
      return member;
    }),

  removeMember: procedure("team.member.remove")
    .input(z.object({ teamId: teamIdSchema, userId: z.string().trim().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "user", id: input.userId };
      const removed = await removeMember(ctx.db, input.teamId, input.userId);
      ctx.audit.target.name = removed.username;
      ctx.audit.team = removed.team;
      return removed;
    }),
});
