import type { MetadataRoute } from "next";

/** The rep app's Web App Manifest (served at /manifest.webmanifest): installable, opens on Today, standalone. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/rep",
    name: "Fieldbeat — field visits",
    short_name: "Fieldbeat",
    description: "Start your day, follow your route and check in at customers, online or offline.",
    start_url: "/rep",
    scope: "/",
    display: "standalone",
    orientation: "portrait",
    background_color: "#ffffff",
    theme_color: "#116a33",
    categories: ["business", "productivity"],
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/maskable-192.png", sizes: "192x192", type: "image/png", purpose: "maskable" },
      { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}
