/** What names a team and a membership in a request; shared by the router and the Teams page. */
import { z } from "zod";
import { teamRoles } from "../../auth/team-scope";

/** Team names go into a label value (`hako.team=<name>`) and URLs: keep them plain. */
export const teamNameSchema = z
  .string()
  .trim()
  .min(1, "Name the team.")
  .max(64, "A team name has at most 64 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "Use letters, digits, _ . -, starting with a letter or digit.");

export const teamIdSchema = z.string().trim().min(1).max(64);

export const memberInputSchema = z.object({
  teamId: teamIdSchema,
  username: z.string().trim().min(1, "Name a user.").max(64),
  role: z.enum(teamRoles),
});
