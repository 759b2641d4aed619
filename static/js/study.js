/* Study heartbeats (learning app): every 15 s while the page is visible, report what is studied.
 *
 * The server decides what to credit (never faster than real time, never beyond the content's
 * length, one tab at a time); this script only reports the tab's id, visibility and position, and
 * resumes where the person left off. No heartbeat is sent while the page is hidden, except one
 * saying so, which releases the study clock for another tab.
 */
(function () {
  "use strict";
  var INTERVAL = 15000;
  var root = document.querySelector("[data-study]");
  if (!root) { return; }

  function tabId() {
    var key = "smartbranch-study-tab";
    var id = null;
    try { id = window.sessionStorage.getItem(key); } catch (e) { id = null; }
    if (!id) {
      id = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID()
        : String(Date.now()) + Math.random().toString(16).slice(2);
      try { window.sessionStorage.setItem(key, id); } catch (e) { /* private mode: a new id per page */ }
    }
    return id;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  var tab = tabId();
  var media = root.querySelector("[data-media]");
  var status = document.querySelector("[data-study-status]");
  var resume = parseInt(root.dataset.resume || "0", 10) || 0;

  function scrollShare() {
    var rect = root.getBoundingClientRect();
    var total = Math.max(1, rect.height - window.innerHeight);
    var read = Math.min(Math.max(-rect.top, 0), total);
    return Math.round(1000 * read / total);
  }

  function position() {
    if (media) { return Math.floor(media.currentTime || 0); }
    return scrollShare();
  }

  function restore() {
    if (!resume) { return; }
    if (media) {
      media.addEventListener("loadedmetadata", function () {
        if (resume < (media.duration || Infinity)) { media.currentTime = resume; }
      }, { once: true });
    } else {
      var rect = root.getBoundingClientRect();
      var total = Math.max(1, rect.height - window.innerHeight);
      window.scrollTo(0, window.scrollY + rect.top + total * resume / 1000);
    }
  }

  function send(visible) {
    var body = { tab: tab, visible: visible, position: position(), playing: media ? !media.paused : true };
    if (root.dataset.lesson) { body.lesson_id = parseInt(root.dataset.lesson, 10); }
    if (root.dataset.libraryItem) { body.library_item_id = parseInt(root.dataset.libraryItem, 10); }
    return fetch(root.dataset.heartbeatUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !visible,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (beat) {
        if (!beat || !status) { return; }
        if (beat.outcome === "other_tab") { status.textContent = root.dataset.labelOtherTab; return; }
        status.textContent = root.dataset.labelCredited + " " + beat.total_seconds + " / " + beat.length_seconds;
        showQuizOnceCredited(beat.total_seconds);
      })
      .catch(function () { /* offline: the next heartbeat tries again; the server credits real time only */ });
  }

  // A lesson's quiz is offered once the time it needs is credited (the completion still needs both, on the server).
  function showQuizOnceCredited(total) {
    var needed = parseInt(root.dataset.needed || "0", 10);
    var ready = document.querySelector("[data-study-quiz-ready]");
    if (!needed || !ready || total < needed) { return; }
    ready.hidden = false;
    var wait = document.querySelector("[data-study-quiz-wait]");
    if (wait) { wait.hidden = true; }
  }

  function beat() {
    if (document.visibilityState === "visible") { send(true); }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { send(true); } else { send(false); }
  });
  restore();
  beat();
  window.setInterval(beat, INTERVAL);
}());
