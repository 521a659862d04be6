/** The console's root router: one sub-router per area. */
import { createCallerFactory, createTRPCRouter } from "../trpc";
import { authRouter } from "./auth";
import { containersRouter } from "./containers";
import { engineRouter } from "./engine";
import { imagesRouter } from "./images";
import { usersRouter } from "./users";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  engine: engineRouter,
  containers: containersRouter,
  images: imagesRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
