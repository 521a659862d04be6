/**
 * What a username and a password must look like, shared by the setup form, sign-in, `hako admin create` and the
 * user-management procedures so that all of them refuse the same input with the same words.
 */
import { z } from "zod";

export const usernameSchema = z
  .string()
  .trim()
  .min(1, "Enter a username.")
  .max(64, "A username has at most 64 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Use letters, digits, dot, dash or underscore, starting with a letter or digit.");

/** The upper bound keeps argon2 from hashing megabytes on behalf of an anonymous caller. */
export const newPasswordSchema = z
  .string()
  .min(8, "A password has at least 8 characters.")
  .max(256, "A password has at most 256 characters.");

/** Sign-in checks only the bounds: a wrong-but-short password is just wrong. */
export const passwordSchema = z.string().min(1, "Enter a password.").max(256);

export const credentialsSchema = z.object({ username: usernameSchema, password: passwordSchema });
export const newCredentialsSchema = z.object({ username: usernameSchema, password: newPasswordSchema });
