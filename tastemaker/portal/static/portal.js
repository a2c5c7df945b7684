// The portal's only script, served by the portal itself: copies a pitch sheet to the clipboard.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  navigator.clipboard.writeText(source.value).then(() => { button.textContent = "Copied"; });
});
