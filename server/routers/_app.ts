/** The console's root router: one sub-router per area. */
import { createCallerFactory, createTRPCRouter } from "../trpc";
import { accountRouter } from "./account";
import { auditRouter } from "./audit";
import { authRouter } from "./auth";
import { buildsRouter } from "./builds";
import { containersRouter } from "./containers";
import { engineRouter } from "./engine";
import { imagesRouter } from "./images";
import { networksRouter } from "./networks";
import { registriesRouter } from "./registries";
import { teamsRouter } from "./teams";
import { usersRouter } from "./users";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  audit: auditRouter,
  engine: engineRouter,
  containers: containersRouter,
  images: imagesRouter,
  builds: buildsRouter,
  registries: registriesRouter,
  teams: teamsRouter,
  networks: networksRouter,
  users: usersRouter,
  account: accountRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
