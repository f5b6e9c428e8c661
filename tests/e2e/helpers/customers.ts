import { expect, type Page } from "@playwright/test";

/**
 * A customers file as an admin exports it from a spreadsheet: their own header names (matched case-insensitively),
 * a quoted address with a comma, CRLF. `bad` puts a non-number in Latitude on line 4 and a radius of 9,000 m on line 7.
 */
export function customersCsv(tag: string, { bad }: { bad: boolean }): string {
  const header = "Code,Name,Address,Latitude,Longitude,Radius,Type,Owner";
  const rows = Array.from({ length: 7 }, (_, i) => {
    const line = i + 2;
    const lat = bad && line === 4 ? "abc" : (12.9 + i * 0.01).toFixed(5);
    const radius = bad && line === 7 ? "9000" : String(40 + i * 10);
    return [`E2E-${tag}-${i + 1}`, `E2E Customer ${tag} ${i + 1}`, `"${i + 1} Test Road, Bengaluru"`, lat, (77.55 + i * 0.01).toFixed(5), radius, "pharmacy", "someone"].join(",");
  });
  return [header, ...rows].join("\r\n") + "\r\n";
}

export async function chooseCsv(page: Page, name: string, text: string) {
  await page.getByLabel("CSV file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
}

/** The document is no wider than the viewport (nothing to scroll sideways). */
export async function expectNoHorizontalOverflow(page: Page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll).toBeLessThanOrEqual(width);
}

/** The Leaflet map region with its vector overlays drawn (no tile server is reachable here). */
export async function expectMapDrawn(page: Page, name: RegExp, markers: number) {
  const map = page.getByRole("region", { name });
  await expect(map.locator("[data-marker-id]")).toHaveCount(markers, { timeout: 15_000 });
  return map;
}
