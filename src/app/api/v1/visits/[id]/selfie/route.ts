import { NextResponse } from "next/server";
import { apiRoute, parseInput } from "@/server/http/api";
import { readSelfieForm } from "@/server/photos/read-selfie-form";
import { uploadSelfie } from "@/server/photos/upload-selfie";
import { visitIdParams } from "@/contracts/visits";

/** multipart/form-data (photo + meta): 201 with the photo's validation and signed URLs; a replay of meta.client_id answers 200. */
export const POST = apiRoute<{ id: string }>("visits.write", async ({ req, ctx, params }) => {
  const visitId = parseInput(visitIdParams, params).id;
  const { meta, photo } = await readSelfieForm(req);
  const { body, created } = await uploadSelfie(ctx, { visitId, meta, photo });
  return NextResponse.json(body, { status: created ? 201 : 200 });
});
