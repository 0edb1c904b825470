// On a phone the section bar scrolls sideways: bring the current section into view.
(function () {
  var current = document.querySelector(".sections [aria-current]");
  if (!current) return;
  var bar = current.closest("ul");
  bar.scrollLeft = Math.max(0, current.offsetLeft - bar.clientWidth / 2 + current.offsetWidth / 2);
})();
