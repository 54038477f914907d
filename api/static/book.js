// The client's booking page: show times in the browser's own time zone.
//
// The server first writes times in the zone the firm has on file for the client. When the
// client has not chosen a zone yet and the browser's zone differs, the page reloads once in the
// browser's zone (the same address with ?tz=...). The zone can always be changed by hand with
// the select on the page; without JavaScript, that select is the way.
(function () {
  "use strict";
  var body = document.body;
  var shown = body.getAttribute("data-zone");
  if (!shown || body.getAttribute("data-zone-chosen") === "yes") {
    return;
  }
  var detected;
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!detected || detected === shown || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(detected)) {
    return;
  }
  var url = new URL(window.location.href);
  url.searchParams.set("tz", detected);
  window.location.replace(url.toString());
})();
