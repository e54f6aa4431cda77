/* The visit form, phone first and offline-safe.
 *
 * Every answer, note, finding field, photo and signature is kept in localStorage under the
 * visit's key as it is entered, so closing the page or losing the connection loses nothing.
 * Submitting sends one multipart request built from that saved state; without a connection
 * the state is marked queued and sent when the browser is back online (or when the visit is
 * opened again). The server derives the idempotency keys from the visit and its items, so a
 * repeated send never creates a second record or hidden danger.
 */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) return;
  var storeKey = "safeloop:visit:" + form.dataset.visit;
  var status = document.getElementById("sync-status");
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || { fields: {}, photos: {} }; }
    catch (e) { return { fields: {}, photos: {} }; }
  }
  var state = load();

  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(state)); return true; }
    catch (e) { return false; }  // quota: photos too large to keep; the rest is kept below
  }

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* ---------------------------------------------------------------- answers */
  function showFinding(fieldset) {
    var checked = fieldset.querySelector("input[type=radio]:checked");
    var value = checked ? checked.value : "";
    fieldset.classList.remove("answered-pass", "answered-fail", "answered-na");
    if (value) fieldset.classList.add("answered-" + value);
    var finding = fieldset.querySelector("[data-finding]");
    if (finding) finding.hidden = value !== "fail";
  }

  function remember(el) {
    if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
    if (el.type === "radio") {
      if (el.checked) state.fields[el.name] = el.value;
    } else {
      state.fields[el.name] = el.value;
    }
    save();
  }

  function restore() {
    var restored = false;
    Object.keys(state.fields).forEach(function (name) {
      var value = state.fields[name];
      var els = form.querySelectorAll("[name='" + name + "']");
      els.forEach(function (el) {
        if (el.type === "radio") { el.checked = el.value === value; }
        else if (el.type !== "file") { el.value = value; }
      });
      if (els.length) restored = true;
    });
    form.querySelectorAll("fieldset.item").forEach(showFinding);
    return restored;
  }

  /* ---------------------------------------------------------------- progress */
  var progress = document.getElementById("visit-progress");
  var items = form.querySelectorAll("fieldset.item");
  function showProgress() {
    if (!progress) return;
    var done = form.querySelectorAll("fieldset.item input[type=radio]:checked").length;
    var text = progress.querySelector("[data-progress-text]");
    text.textContent = text.dataset.template
      .replace("{done}", done).replace("{total}", items.length);
    progress.querySelector("[data-progress]").value = done;
    progress.hidden = false;
  }

  /* An error is about what was wrong when it was sent: once that part is changed it goes,
     and the summary above the form goes with the last one. */
  function clearErrors(el) {
    var holder = el.closest("fieldset.item") || el.closest("[data-sig]") || null;
    var box = holder ? holder.querySelector("[data-errors-for]") : null;
    if (!box && el.name) {
      box = form.querySelector("[data-errors-for='" + el.name + "']");
    }
    if (box) box.textContent = "";
    if (holder) holder.classList.remove("has-error");
    var summary = document.querySelector("[data-stale-errors]");
    if (summary && !form.querySelector(".has-error, [data-errors-for] .errors")) summary.remove();
  }

  /* "All compliant": every item of the checklist not answered yet is marked as passed. */
  form.querySelectorAll("[data-all-pass]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var section = button.closest("section.checklist");
      section.querySelectorAll("fieldset.item").forEach(function (fieldset) {
        if (fieldset.querySelector("input[type=radio]:checked")) return;
        var pass = fieldset.querySelector("input[type=radio][value=pass]");
        if (!pass) return;
        pass.checked = true;
        remember(pass);
        showFinding(fieldset);
        clearErrors(pass);
      });
      showProgress();
    });
  });

  form.addEventListener("change", function (event) {
    var el = event.target;
    clearErrors(el);
    if (el.type === "file") { keepPhotos(el); return; }
    remember(el);
    var fieldset = el.closest("fieldset.item");
    if (fieldset) showFinding(fieldset);
    showProgress();
  });
  form.addEventListener("input", function (event) {
    if (event.target.type !== "radio" && event.target.type !== "file") {
      remember(event.target);
      clearErrors(event.target);
    }
  });

  /* ---------------------------------------------------------------- photos */
  function keepPhotos(input) {
    var files = Array.prototype.slice.call(input.files || [], 0, 5);
    var kept = [];
    var pending = files.length;
    if (!pending) { delete state.photos[input.name]; save(); return; }
    files.forEach(function (file) {
      var reader = new FileReader();
      reader.onload = function () {
        kept.push({ name: file.name, type: file.type, data: reader.result });
        if (--pending === 0) {
          state.photos[input.name] = kept;
          if (!save()) {
            delete state.photos[input.name];
            save();
            input.dataset.unsaved = "1";  // sent from the input itself while the page is open
          }
        }
      };
      reader.readAsDataURL(file);
    });
  }

  function blobOf(dataUrl) {
    var parts = dataUrl.split(",");
    var type = parts[0].split(":")[1].split(";")[0];
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
    return new Blob([array], { type: type });
  }

  /* ---------------------------------------------------------------- signatures */
  form.querySelectorAll("canvas[data-signature]").forEach(function (canvas) {
    var name = canvas.dataset.signature;
    var hidden = form.querySelector("input[name='" + name + "']");
    var ctx = canvas.getContext("2d");
    ctx.lineWidth = 4;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    var drawing = false;

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }
    function paint(dataUrl) {
      var image = new Image();
      image.onload = function () { ctx.drawImage(image, 0, 0); };
      image.src = dataUrl;
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      ctx.lineTo(p.x + 0.1, p.y + 0.1);
      ctx.stroke();
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      event.preventDefault();
    });
    function finish() {
      if (!drawing) return;
      drawing = false;
      hidden.value = canvas.toDataURL("image/png");
      remember(hidden);
      clearErrors(hidden);
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    canvas.addEventListener("pointerleave", finish);
    form.querySelector("[data-clear='" + name + "']").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      hidden.value = "";
      remember(hidden);
    });
    if (state.fields[name]) { hidden.value = state.fields[name]; paint(state.fields[name]); }
  });

  /* ---------------------------------------------------------------- sending */
  function payload() {
    var data = new FormData();
    Object.keys(state.fields).forEach(function (name) { data.append(name, state.fields[name]); });
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      var kept = state.photos[input.name];
      if (kept && kept.length) {
        kept.forEach(function (p) { data.append(input.name, blobOf(p.data), p.name); });
      } else if (input.files) {
        Array.prototype.forEach.call(input.files, function (file) { data.append(input.name, file); });
      }
    });
    return data;
  }

  function showErrors(fields) {
    form.querySelectorAll("[data-errors-for]").forEach(function (box) { box.textContent = ""; });
    form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    var first = null;
    Object.keys(fields).forEach(function (name) {
      var match = name.match(/_(\d+)$/);
      var key = match ? match[1] : name;
      var box = form.querySelector("[data-errors-for='" + key + "']");
      if (!box) return;
      fields[name].forEach(function (message) {
        var div = document.createElement("div");
        div.className = "errors";
        div.textContent = message;
        box.appendChild(div);
      });
      var holder = box.closest("fieldset") || box.parentElement;
      holder.classList.add("has-error");
      first = first || holder;
    });
    if (first) first.scrollIntoView({ block: "center" });
  }

  function send() {
    if (sending) return;
    if (!navigator.onLine) {
      state.queued = true;
      save();
      say(form.dataset.msgOffline);
      return;
    }
    sending = true;
    say(form.dataset.msgSending);
    fetch(form.action, {
      method: "POST",
      body: payload(),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      sending = false;
      if (response.redirected && /\/login\//.test(response.url)) {
        state.queued = true; save(); say(form.dataset.msgLogin); return null;
      }
      if (response.status === 403 || response.status === 401) {
        state.queued = true; save(); say(form.dataset.msgLogin); return null;
      }
      return response.json().then(function (body) {
        if (response.ok && body.ok) {
          localStorage.removeItem(storeKey);
          window.location.assign(body.url);
        } else {
          state.queued = false; save();
          say(form.dataset.msgErrors);
          showErrors((body.error && body.error.fields) || {});
        }
      });
    }).catch(function () {
      sending = false;
      state.queued = true;
      save();
      say(form.dataset.msgOffline);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelectorAll("input, textarea, select").forEach(function (el) {
      if (el.type !== "radio" || el.checked) remember(el);
    });
    send();
  });
  window.addEventListener("online", function () { if (state.queued) send(); });

  if (restore()) say(form.dataset.msgRestored);
  showProgress();
  if (state.queued && navigator.onLine) send();
})();
