// UMKM Portal's own behaviour. Loaded as a file: the Content Security Policy forbids inline script.
document.addEventListener("htmx:responseError", (event) => {
  // Keep the page usable when a partial update fails (for example on a dropped connection).
  const status = event.detail.xhr.status;
  window.alert(status >= 500 ? "Terjadi kesalahan di server. Coba lagi." : "Permintaan gagal (" + status + ").");
});
