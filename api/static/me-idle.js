// On a shared wing kiosk, the person's passport must not stay on the screen after they walk away; but a person
// who is slowly writing must never lose their words, or their code, to the clock.
//
// The server ends a person's session after a quiet while, counting only requests. So this script:
// - tells the server when the person is busy on the page (keys, pointer), at most every quarter of the idle time,
//   and a few seconds after they stop typing; from the writing page it sends what they have written so far,
//   which the server keeps for them alone (never this browser: the next person at the kiosk sees nothing);
// - warns before the end, taking the focus to one button that keeps them signed in (WCAG 2.2 SC 2.2.1);
// - at the end, posts what was on the page to /me/timed-out, which keeps it for them, signs them out without
//   spending their code, and shows the sign-in page.
// Without JavaScript the session still ends on the server, and a form sent after it ended is kept the same way.
(function () {
  "use strict";
  var warning = document.getElementById("idle-warning");
  var stay = document.getElementById("idle-stay");
  if (!warning || !stay) {
    return;
  }
  var idle = Number(warning.getAttribute("data-idle-seconds") || "600") * 1000;
  var lead = Number(warning.getAttribute("data-warn-seconds") || "60") * 1000;
  var csrf = warning.getAttribute("data-csrf") || "";
  var writing = document.querySelector("form[data-draft]");
  var pingEvery = Math.min(60000, idle / 4);
  var typedPause = Math.min(3000, idle / 8);
  var lastPing = Date.now();
  var warnTimer = 0;
  var endTimer = 0;
  var typedTimer = 0;
  var ending = false;
  var returnFocus = null;

  function fields() {
    var body = new URLSearchParams();
    body.set("csrf", csrf);
    if (writing) {
      body.set("draft", "1");
      body.set("part", writing.elements.part ? writing.elements.part.value : "");
      body.set("text", writing.elements.text ? writing.elements.text.value : "");
    }
    return body;
  }

  function end() {
    if (ending) {
      return;
    }
    ending = true;
    // A real form post, so the page leaves the screen whatever happens, and what was written goes with it.
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/me/timed-out";
    form.hidden = true;
    fields().forEach(function (value, name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function hideWarning() {
    warning.hidden = true;
    if (returnFocus && document.contains(returnFocus)) {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  function warn() {
    returnFocus = document.activeElement;
    warning.hidden = false;
    stay.focus();
  }

  function restart() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(warn, Math.max(idle - lead, 0));
    endTimer = window.setTimeout(end, idle);
  }

  function ping() {
    window.clearTimeout(typedTimer);
    lastPing = Date.now();
    return window.fetch("/me/still-here", {
      method: "POST",
      body: fields(),
      credentials: "same-origin",
      cache: "no-store",
    }).then(function (response) {
      if (response.status === 204) {
        restart();
      } else {
        end();
      }
    }, function () {
      // The network failed: the timers go on as they were, and the end still keeps what was written.
    });
  }

  function busy() {
    if (ending || !warning.hidden) {
      return;
    }
    if (Date.now() - lastPing >= pingEvery) {
      ping();
    }
  }

  ["keydown", "pointerdown"].forEach(function (name) {
    document.addEventListener(name, busy, { passive: true });
  });
  if (writing) {
    // A few seconds after they stop typing, the server has what they wrote (and knows they are there).
    writing.addEventListener("input", function () {
      window.clearTimeout(typedTimer);
      typedTimer = window.setTimeout(ping, typedPause);
    });
    writing.addEventListener("submit", function () {
      window.clearTimeout(typedTimer);
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
    });
  }
  stay.addEventListener("click", function () {
    ping().then(hideWarning);
  });
  // While the warning is up, Tab stays on its one button (it covers the page).
  warning.addEventListener("keydown", function (event) {
    if (event.key === "Tab") {
      event.preventDefault();
      stay.focus();
    }
  });
  restart();
}());
