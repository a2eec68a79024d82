// UMKM Portal's own behaviour. Loaded as a file: the Content Security Policy forbids inline script.

// A failed partial update (for example on a dropped connection) shows a note at the top of the page;
// never a blocking dialog, which would stop a coordinator in the middle of a form.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const main = document.getElementById("main");
  if (!main || main.querySelector("[data-htmx-error]")) return;
  const note = document.createElement("div");
  note.className = "alert alert-warning";
  note.setAttribute("role", "status");
  note.dataset.htmxError = "1";
  note.textContent = status >= 500
    ? "Terjadi kesalahan di server. Isian Anda tetap di halaman ini; coba lagi."
    : "Permintaan gagal (" + status + "). Isian Anda tetap di halaman ini.";
  main.prepend(note);
});

// Once a form is really submitted, its background autosave must not fire again (the draft may be gone).
document.addEventListener("submit", (event) => {
  event.target.dataset.submitting = "1";
});
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt.closest("form");
  if (form && form.dataset.submitting) event.preventDefault();
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

// A page sent back with errors shows its first one: the folded sections around it open, it is scrolled into
// view and focused, so an error in a closed section is never out of sight on a phone. (Without JavaScript
// the server sends every section holding an error open.)
function revealFirstError() {
  const first = document.querySelector("#main .is-invalid, #main [aria-invalid='true']");
  if (!first) return;
  for (let fold = first.closest("details"); fold; fold = fold.parentElement.closest("details")) fold.open = true;
  const field = first.matches("input, select, textarea") ? first : first.querySelector("input, select, textarea");
  const target = field || first;
  target.scrollIntoView({ block: "center" });
  if (!field) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", revealFirstError);
else revealFirstError();
