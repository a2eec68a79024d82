// UMKM Portal's own behaviour. Loaded as a file: the Content Security Policy forbids inline script.
document.addEventListener("htmx:responseError", (event) => {
  // Keep the page usable when a partial update fails (for example on a dropped connection).
  const status = event.detail.xhr.status;
  window.alert(status >= 500 ? "Terjadi kesalahan di server. Coba lagi." : "Permintaan gagal (" + status + ").");
});

// Photos are downscaled on the phone before upload: a 4 MB camera shot becomes ~300 KB on a slow connection.
// The server re-encodes anyway; this only saves the coordinator's data and time.
document.addEventListener("change", async (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.downscale) return;
  const edge = Number(input.dataset.downscale);
  const shrunk = new DataTransfer();
  for (const file of input.files) {
    if (!file.type.startsWith("image/")) { shrunk.items.add(file); continue; }
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, edge / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 1_000_000) { shrunk.items.add(file); continue; }
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
      shrunk.items.add(new File([blob], file.name.replace(/\.[^.]+$/, "") + ".jpg", { type: "image/jpeg" }));
    } catch {
      shrunk.items.add(file); // the server decides what a broken file is
    }
  }
  input.files = shrunk.files;
});
