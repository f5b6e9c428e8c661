import { randomUUID } from "node:crypto";
import { expect, type APIRequestContext } from "@playwright/test";
import { DEMO_PASSWORD } from "./auth";

/** A rep acting through the public API (as the PWA's queue does): bearer token from /api/v1/auth/login. */
export async function repApi(request: APIRequestContext, email: string) {
  const login = await request.post("/api/v1/auth/login", { data: { email, password: DEMO_PASSWORD } });
  expect(login.status()).toBe(200);
  const { access_token } = (await login.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${access_token}` };
  return {
    headers,
    /** Checks in where the rep's latest past visit was (any real customer location of theirs). */
    async checkInAtLastPlace(): Promise<{ visitId: number; personnelId: number }> {
      const list = await request.get("/api/v1/visits?limit=1", { headers });
      expect(list.status()).toBe(200);
      const [v] = ((await list.json()) as { visits: { location_id: number; check_in_lat: number; check_in_lon: number; personnel_id: number }[] }).visits;
      const res = await request.post("/api/v1/visits/check-in", {
        headers,
        data: { client_id: randomUUID(), location_id: v!.location_id, lat: v!.check_in_lat, lon: v!.check_in_lon, accuracy_m: 6, captured_at: new Date().toISOString() },
      });
      expect(res.status(), await res.text()).toBe(201);
      const body = (await res.json()) as { visit: { id: number; personnel_id: number } };
      return { visitId: body.visit.id, personnelId: body.visit.personnel_id };
    },
  };
}
