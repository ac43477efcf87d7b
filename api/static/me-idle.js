// On a shared wing kiosk, the person's passport must not stay on the screen after they walk away. The server
// ends the session after a quiet while; this takes the page away at the same moment, and warns a minute before,
// with a way to stay (WCAG 2.2 SC 2.2.1). Without JavaScript the session still ends on the server.
(function () {
  "use strict";
  var warning = document.getElementById("idle-warning");
  if (!warning) {
    return;
  }
  var idle = Number(warning.getAttribute("data-idle-seconds") || "600") * 1000;
  var warnAt = Math.max(idle - 60000, 0);
  var warnTimer = 0;
  var endTimer = 0;

  function end() {
    window.location.assign("/me/sign-in?timed_out=1");
  }

  function warn() {
    warning.hidden = false;
    var stay = warning.querySelector("a");
    if (stay) {
      stay.focus();
    }
  }

  function restart() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(warn, warnAt);
    endTimer = window.setTimeout(end, idle);
  }

  ["keydown", "mousedown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () {
      if (warning.hidden) {
        restart();
      }
    }, { passive: true });
  });
  restart();
}());
