/** User accounts. The pages for them come with the access issue; `hako admin create` already goes through here. */
import { z } from "zod";
import { roles } from "../auth/permissions";
import { createUser } from "../services/users/create-user";
import { newCredentialsSchema } from "../services/users/credentials";
import { createTRPCRouter, procedure } from "../trpc";

export const usersRouter = createTRPCRouter({
  create: procedure("user.create")
    .input(newCredentialsSchema.extend({ role: z.enum(roles) }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "user", name: input.username };
      const user = await createUser(ctx.db, input);
      ctx.audit.target.id = user.id;
      return user;
    }),
});
