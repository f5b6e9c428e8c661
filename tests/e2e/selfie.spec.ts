/**
 * The selfie with Chromium's fake camera: a rep captures, previews, retakes and uploads on "Add selfie to this visit";
 * their manager then sees the thumbnail on the Visit evidence page through a signed URL.
 */
import { expect, test } from "@playwright/test";
import { MANAGER1, REP01, signInAs, signOut } from "./helpers/auth";

const BASE_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
test.use({
  launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...BASE_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"] },
  permissions: ["camera", "geolocation"],
});

type Json = Record<string, unknown>;

test("rep captures, retakes and uploads a selfie; the manager sees its thumbnail on the visit's evidence page", async ({ page, context }) => {
  test.setTimeout(90_000);
  await signInAs(page, REP01);
  // A customer near the demo's centre, and an open visit there (the check-in is not what this test is about).
  const nearby = (await page.evaluate(async () => (await fetch("/api/v1/locations/nearby?lat=12.9716&lon=77.5946&radius=20000&limit=1")).json())) as { locations: Json[] };
  const loc = nearby.locations[0]!;
  await context.setGeolocation({ latitude: Number(loc.lat), longitude: Number(loc.lon), accuracy: 12 });
  const visitId = await page.evaluate(async (l) => {
    const fix = () => ({ lat: l.lat, lon: l.lon, accuracy_m: 12, captured_at: new Date().toISOString() });
    const post = async (path: string, body: object) =>
      (await (await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as { visit?: { id: number }; error?: { open_visit_id?: number } };
    let json = await post("/api/v1/visits/check-in", { client_id: crypto.randomUUID(), location_id: l.id, ...fix() });
    // A visit left open (a reused server, a seeded day): close it, so this test gets a fresh visit without a selfie.
    if (json.error?.open_visit_id) {
      await post("/api/v1/visits/check-out", { client_id: crypto.randomUUID(), visit_id: json.error.open_visit_id, ...fix() });
      json = await post("/api/v1/visits/check-in", { client_id: crypto.randomUUID(), location_id: l.id, ...fix() });
    }
    return json.visit?.id ?? null;
  }, loc);
  expect(visitId).not.toBeNull();

  await page.goto(`/rep/visits/${visitId}/selfie`);
  await expect(page.getByRole("heading", { name: "Add selfie to this visit" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Camera ready" })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByLabel("Camera preview")).toBeVisible();

  await page.getByRole("button", { name: "Capture" }).click();
  const preview = page.getByRole("img", { name: "Captured selfie preview" });
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await page.getByRole("button", { name: "Retake" }).click();
  await expect(preview).toHaveCount(0);
  await expect(page.getByLabel("Camera preview")).toBeVisible();
  await page.getByRole("button", { name: "Capture" }).click();
  await expect(preview).toBeVisible();
  await page.getByRole("button", { name: "Upload selfie" }).click();

  await expect(page.getByRole("heading", { name: "Selfie saved" })).toBeVisible({ timeout: 20_000 });
  const flags = page.getByRole("list", { name: "Photo flags" });
  await expect(flags).toContainText("NO_PHOTO_GPS");
  await expect(flags).not.toContainText("FILE_UPLOAD");
  await expect(page.getByText(/The fix taken at capture is \d+\.\d\d m from the location/)).toBeVisible();

  await signOut(page);
  await signInAs(page, MANAGER1);
  await page.goto(`/manager/visits/${visitId}`);
  await expect(page.getByRole("heading", { name: /^Visit to / })).toBeVisible();
  const thumb = page.getByTestId("selfie-thumb");
  await expect(thumb).toBeVisible();
  await expect(thumb).toHaveAttribute("src", /^\/api\/v1\/files\/visits\/\d+\/[0-9a-f-]+-thumb\.jpg\?exp=\d+&sig=[\w-]+$/);
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);
  await expect(page.getByText("Live camera capture")).toBeVisible();
  // The map of the evidence: the customer and the check-in and selfie capture fixes, the geofence (r and 2r) and accuracy circles.
  const map = page.getByRole("region", { name: /^Map of the visit to / });
  await expect(map).toBeVisible();
  for (const id of ["customer", "check-in", "capture"]) await expect(map.locator(`[data-marker-id='${id}']`)).toBeAttached();
  expect(await map.locator("path.fm-circle").count()).toBeGreaterThanOrEqual(4);

  // The same link with its signature altered is refused.
  const src = (await thumb.getAttribute("src"))!;
  const u = new URL(src, "http://x");
  const sig = u.searchParams.get("sig")!;
  u.searchParams.set("sig", (sig.startsWith("A") ? "B" : "A") + sig.slice(1));
  const tampered = await page.request.get(`${u.pathname}${u.search}`);
  expect(tampered.status()).toBe(403);

  // Approve with a comment: announced, and listed under Reviews.
  await page.getByLabel("Comment").fill("Selfie and fix agree.");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved: visit approved." })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Reviews" })).toBeVisible();
});
