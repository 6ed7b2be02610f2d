// Siyu console: small progressive enhancements, no build step (the CSP allows only same-origin scripts).
document.addEventListener("click", function (event) {
  // .insert-fields[data-target] > button[data-insert]: put a template field at the cursor.
  var button = event.target.closest("[data-insert]");
  var row = button && button.closest(".insert-fields");
  var box = row && document.getElementById(row.dataset.target);
  if (!box) return;
  var at = box.selectionStart, end = box.selectionEnd, text = button.dataset.insert;
  box.value = box.value.slice(0, at) + text + box.value.slice(end);
  box.focus();
  box.selectionStart = box.selectionEnd = at + text.length;
});
document.addEventListener("submit", function (event) {
  // form[data-confirm]: a destructive action asks first.
  var question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
