import { route } from "@/server/http/handler";
import { AppError } from "@/server/errors";

/** Any /api/v1 path no route file claims: a JSON 404 in the error shape (never Next's HTML page), for every method. */
const notFound = route<{ path: string[] }>(async () => {
  throw new AppError("NOT_FOUND", "No such API path. See /api/v1/openapi.json.");
});

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
