/** The TRPCError a procedure call failed with; fails the test when the call succeeded or failed otherwise. */
import { TRPCError } from "@trpc/server";
import { expect } from "vitest";

export async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}
