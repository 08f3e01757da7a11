// The scanner web app (SCAN-1..7): keyboard-wedge and camera scanning, order search, and
// offline work. Everything goes through the check-in API with the device's bearer token.
//
// Offline: the session's scan list (SHA-256 hashes of the secrets, holders, status), the
// shops' Ed25519 public keys and the revocation list are kept in localStorage. When the
// network is down a scan is checked locally — a signed code by its signature (WebCrypto
// Ed25519, format in billetterie/checkin/codes.py), a plain secret by its hash in the list —
// in the server's order (cancelled, opposition, wrong date, wrong zone, unpaid, use count),
// and queued with a nonce and the device's time; the queue is uploaded to /sync when the
// network is back, and the double entries the server finds are listed.
(() => {
  const configNode = document.getElementById("scanner-config");
  if (!configNode) return;
  const CONFIG = JSON.parse(configNode.textContent);
  const S = CONFIG.strings;
  const REASONS = CONFIG.reasons;
  const STORE = "billetterie.scanner.";
  const RESULT_MS = 2000;
  const SYNC_EVERY_MS = 5000;
  const REFRESH_EVERY_MS = 60000;
  const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const SIGNED_LENGTH = 143;
  const BODY_SIZE = 25;

  const $ = (selector) => document.querySelector(selector);
  const $$ = (selector) => Array.from(document.querySelectorAll(selector));
  const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_m, key) => String(values[key]));

  // --- storage --------------------------------------------------------------------------------
  const load = (key, fallback) => {
    try {
      const raw = window.localStorage.getItem(STORE + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (_error) {
      return fallback;
    }
  };
  const save = (key, value) => {
    try {
      window.localStorage.setItem(STORE + key, JSON.stringify(value));
    } catch (_error) {
      // storage full: the app keeps working online, offline checks use what is in memory
    }
  };
  const drop = (key) => window.localStorage.removeItem(STORE + key);

  const state = {
    token: load("token", null),
    session: load("session", null),
    queue: load("queue", []),
    flagged: load("flagged", []),
    // offline cache: tickets by hash and id, keys, revocations, local use state
    cache: load("cache", null) || emptyCache(),
    syncing: false,
    resultTimer: null,
  };

  function emptyCache() {
    return { tickets: {}, byHash: {}, keys: [], revoked: {}, revCursor: 0, uses: {} };
  }

  // --- API ------------------------------------------------------------------------------------
  class Offline extends Error {}
  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || String(status));
      this.status = status;
      this.body = body || {};
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (state.token) headers.Authorization = `Bearer ${state.token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(CONFIG.api + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch (_error) {
      throw new Offline();
    }
    if (response.status >= 500) throw new Offline();
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch (_error) {
        data = null;
      }
    }
    if (response.status === 401 && state.token) {
      loggedOut();
      throw new ApiError(401, data);
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  const online = () => navigator.onLine !== false;

  // --- screens --------------------------------------------------------------------------------
  function show(name) {
    $$("[data-screen]").forEach((node) => {
      node.hidden = node.dataset.screen !== name;
    });
    if (name === "scan") focusScan();
  }

  function focusScan() {
    const input = $("#scan-input");
    if (input && !input.closest("[hidden]")) input.focus({ preventScroll: true });
  }

  function showError(selector, message) {
    const node = $(selector);
    node.textContent = message;
    node.hidden = !message;
  }

  function loggedOut() {
    state.token = null;
    state.session = null;
    drop("token");
    drop("session");
    show("login");
    showError("[data-login-error]", S.logged_out);
  }

  function updateNet() {
    const net = $("[data-net]");
    const up = online();
    net.textContent = up ? S.online : S.offline;
    net.classList.toggle("down", !up);
    document.body.classList.toggle("is-offline", !up);
    const queue = $("[data-queue]");
    queue.textContent = fmt(S.queue, { n: state.queue.length });
    queue.dataset.count = String(state.queue.length);
    queue.hidden = state.queue.length === 0;
    $("[data-sync]").hidden = state.queue.length === 0;
  }

  // --- login ----------------------------------------------------------------------------------
  async function logIn(body) {
    showError("[data-login-error]", "");
    try {
      const data = await api("POST", "/login", body);
      state.token = data.token;
      save("token", data.token);
      save("device", data.device);
      await startSession(data.session);
      return true;
    } catch (error) {
      if (error instanceof Offline) {
        showError("[data-login-error]", S.network);
      } else {
        const organizers = error.body && error.body.error && error.body.error.organizers;
        if (organizers && organizers.length) {
          const select = $("#staff-organizer");
          select.replaceChildren(
            ...organizers.map((o) => new Option(o.name, o.slug)),
          );
          $("[data-organizer-choice]").hidden = false;
        }
        showError("[data-login-error]", error.message || S.login_failed);
      }
      return false;
    }
  }

  async function startSession(session) {
    if (!session) {
      await chooseScreen();
      return;
    }
    state.session = session;
    save("session", session);
    renderSession();
    show("scan");
    refreshCache();
  }

  async function chooseScreen() {
    show("choose");
    showError("[data-choose-error]", "");
    try {
      const profiles = await api("GET", "/profiles");
      $("#choose-profile").replaceChildren(...profiles.map((p) => new Option(p.name, p.id)));
    } catch (error) {
      showError("[data-choose-error]", error instanceof Offline ? S.network : error.message);
    }
  }

  function renderSession() {
    const session = state.session;
    $("[data-session-name]").textContent = session.name;
    const dates = session.dates
      .map((d) => `${d.event_name} ${new Date(d.starts_at).toLocaleString()}`)
      .join(" · ");
    const zones = session.all_zones ? S.all_zones : session.zones.map((z) => z.name).join(", ");
    const mode = S[`mode_${session.mode}`] || session.mode;
    $("[data-session-scope]").textContent = `${dates} — ${zones} — ${mode}`;
    $("[data-direction]").hidden = session.mode !== "entry_exit";
    $("[data-change-session]").hidden = session.locked;
    renderFlagged();
    updateNet();
  }

  // --- the offline cache ----------------------------------------------------------------------
  async function refreshCache() {
    if (!state.token || !state.session || !online()) return;
    try {
      const fresh = emptyCache();
      fresh.uses = state.cache.uses || {};
      let cursor = 0;
      for (;;) {
        const page = await api("GET", `/scanlist?cursor=${cursor}&limit=2000`);
        for (const entry of page.tickets) {
          fresh.tickets[entry.id] = entry;
          fresh.byHash[entry.code_hash] = entry.id;
          fresh.uses[entry.id] = mergeUse(fresh.uses[entry.id], entry);
        }
        fresh.keys = page.keys;
        if (page.next_cursor === null || page.next_cursor === undefined) break;
        cursor = page.next_cursor;
      }
      let revCursor = 0;
      for (;;) {
        const page = await api("GET", `/revocations?cursor=${revCursor}&limit=5000`);
        for (const entry of page.revocations) {
          fresh.revoked[entry.ticket_id] = fresh.revoked[entry.ticket_id] || [];
          fresh.revoked[entry.ticket_id].push({ hash: entry.code_hash, reason: entry.reason });
        }
        if (!page.revocations.length || page.cursor === revCursor) break;
        revCursor = page.cursor;
      }
      fresh.revCursor = revCursor;
      state.cache = fresh;
      save("cache", fresh);
      const count = Object.keys(fresh.tickets).length;
      $("[data-list-status]").textContent = fmt(count === 1 ? S.list_ready_one : S.list_ready, {
        n: count,
      });
    } catch (_error) {
      // keep the previous list
    }
  }

  // The server's counts win unless this device saw more since (an offline admission).
  function mergeUse(local, server) {
    if (!local || (local.pending || 0) === 0) {
      return { entries: server.entries, inside: server.inside, pending: 0 };
    }
    return local;
  }

  function rememberUse(ticketId, entries, inside, pending) {
    if (!ticketId) return;
    state.cache.uses[ticketId] = { entries, inside, pending: pending ? 1 : 0 };
    save("cache", state.cache);
  }

  // --- offline checks -------------------------------------------------------------------------
  const isSigned = (code) => code.length === SIGNED_LENGTH && /^[A-Z2-7]+$/i.test(code);

  function base32Decode(text) {
    const bytes = [];
    let buffer = 0;
    let bits = 0;
    for (const char of text.toUpperCase()) {
      const value = B32.indexOf(char);
      if (value < 0) return null;
      buffer = (buffer << 5) | value;
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        bytes.push((buffer >> bits) & 0xff);
      }
    }
    if (buffer & ((1 << bits) - 1)) return null; // unused trailing bits must be zero
    return new Uint8Array(bytes);
  }

  const b64bytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

  async function sha256hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // {reason, ticketId, dateId, zoneId} of a signed payload, or {reason} when refused
  async function verifySigned(code) {
    const raw = base32Decode(code);
    if (!raw || raw.length !== BODY_SIZE + 64 || raw[0] !== 1) return { reason: "unknown" };
    const view = new DataView(raw.buffer);
    const keyId = view.getUint32(1);
    const ticketId = Number(view.getBigUint64(5));
    const dateId = view.getUint32(13);
    const zoneId = view.getUint32(17);
    const validUntil = view.getUint32(21);
    const key = state.cache.keys.find((k) => k.id === keyId);
    if (!key) return { reason: "invalid_signature" };
    let valid = false;
    try {
      const publicKey = await crypto.subtle.importKey(
        "raw", b64bytes(key.public_key), { name: "Ed25519" }, false, ["verify"],
      );
      valid = await crypto.subtle.verify(
        { name: "Ed25519" }, publicKey, raw.slice(BODY_SIZE), raw.slice(0, BODY_SIZE),
      );
    } catch (_error) {
      valid = false;
    }
    if (!valid) return { reason: "invalid_signature" };
    if (validUntil && Date.now() / 1000 > validUntil) return { reason: "expired", ticketId };
    return { reason: "", ticketId, dateId, zoneId };
  }

  const REVOKE_REASON = { cancelled: "cancelled", opposition: "opposition", changed: "revoked" };

  // What the server would answer, judged on the downloaded list: {ok, reason, ticket}
  async function checkLocally(code, ticketId, direction) {
    const session = state.session;
    let entry = null;
    let signed = null;
    if (code && isSigned(code)) {
      signed = await verifySigned(code);
      if (signed.reason) return { ok: false, reason: signed.reason, ticket: null };
      entry = state.cache.tickets[signed.ticketId] || null;
      if (entry && (entry.date_id !== signed.dateId || entry.zone_id !== signed.zoneId)) {
        return { ok: false, reason: "revoked", ticket: entry };
      }
    } else if (code) {
      const hash = await sha256hex(code);
      const id = state.cache.byHash[hash];
      entry = id ? state.cache.tickets[id] : null;
      if (!entry) {
        // a secret revoked since (it was replaced or its ticket cancelled)
        for (const [revokedId, list] of Object.entries(state.cache.revoked)) {
          const hit = list.find((r) => r.hash === hash);
          if (hit) return { ok: false, reason: REVOKE_REASON[hit.reason] || "revoked", ticket: { id: Number(revokedId) } };
        }
        return { ok: false, reason: "unknown", ticket: null };
      }
    } else {
      entry = state.cache.tickets[ticketId] || null;
      if (!entry) return { ok: false, reason: "unknown", ticket: null };
    }
    const id = entry ? entry.id : signed.ticketId;
    const dateId = entry ? entry.date_id : signed.dateId;
    const zoneId = entry ? entry.zone_id : signed.zoneId;
    const ticket = entry || { id, date_id: dateId, zone_id: zoneId };
    const revoked = (state.cache.revoked[id] || []).find((r) => r.reason !== "changed");
    if (revoked) return { ok: false, reason: REVOKE_REASON[revoked.reason], ticket };
    if (entry && (entry.status === "cancelled" || entry.status === "opposition")) {
      return { ok: false, reason: entry.status, ticket };
    }
    if (!session.dates.some((d) => d.id === dateId)) {
      return { ok: false, reason: "wrong_date", ticket };
    }
    if (!session.all_zones && !session.zones.some((z) => z.id === zoneId)) {
      return { ok: false, reason: "wrong_zone", ticket };
    }
    if (entry && entry.status === "unpaid") return { ok: false, reason: "unpaid", ticket };
    const use = state.cache.uses[id] || { entries: 0, inside: false, pending: 0 };
    if (session.mode === "normal" && use.entries > 0) {
      return { ok: false, reason: "already_used", ticket };
    }
    if (session.mode === "entry_exit") {
      if (direction === "in" && use.inside) return { ok: false, reason: "already_inside", ticket };
      if (direction === "out" && !use.inside) return { ok: false, reason: "not_inside", ticket };
    }
    const entries = direction === "in" ? use.entries + 1 : use.entries;
    rememberUse(id, entries, direction === "in", true);
    return { ok: true, reason: "", ticket };
  }

  // --- scanning -------------------------------------------------------------------------------
  const direction = () => {
    const checked = $('input[name="direction"]:checked');
    return state.session && state.session.mode === "entry_exit" && checked ? checked.value : "in";
  };

  const nonce = () =>
    crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

  async function scan({ code = "", ticketId = null }) {
    if (!state.session) return;
    const dir = direction();
    const item = { nonce: nonce(), scanned_at: new Date().toISOString(), direction: dir };
    if (code) item.code = code;
    else item.ticket_id = ticketId;
    if (online()) {
      try {
        const result = await api("POST", "/redeem", item);
        if (result.ticket) rememberUse(result.ticket.id, result.entries, result.inside, false);
        showResult(result, false);
        return;
      } catch (error) {
        if (!(error instanceof Offline)) {
          if (error.status !== 401) showResult({ ok: false, reason: "", message: error.message }, false);
          return;
        }
      }
    }
    const local = await checkLocally(code, ticketId, dir);
    state.queue.push({ ...item, admitted: local.ok });
    save("queue", state.queue);
    updateNet();
    showResult(
      {
        ok: local.ok,
        reason: local.reason,
        direction: dir,
        ticket: local.ticket && local.ticket.holder_name !== undefined ? local.ticket : null,
      },
      true,
    );
  }

  function showResult(result, pending) {
    const box = $("[data-result]");
    box.classList.toggle("ok", result.ok);
    box.classList.toggle("refused", !result.ok);
    box.dataset.code = result.reason || "";
    $("[data-verdict]").textContent = result.ok ? S.admitted : S.refused;
    let reason = result.message;
    if (!reason || pending) {
      if (result.ok) reason = result.direction === "out" ? S.exit_recorded : S.welcome;
      else reason = REASONS[result.reason] || result.message || result.reason;
    }
    $("[data-reason]").textContent = reason;
    const ticket = result.ticket;
    $("[data-holder]").textContent = ticket ? ticket.holder_name : "";
    const details = [];
    if (ticket) {
      if (ticket.event_name) details.push(`${ticket.event_name} ${ticket.date_text || ""}`.trim());
      const price = ticket.amount !== undefined ? `${ticket.price_name} ${ticket.currency} ${ticket.amount}` : ticket.price_name;
      if (price) details.push(price);
      const zone = ticket.zone_name || zoneName(ticket.zone_id);
      if (zone) details.push(`${S.zone}: ${zone}`);
      if (ticket.seat) details.push(ticket.seat);
    }
    $("[data-details]").textContent = details.join(" · ");
    const pendingNode = $("[data-pending]");
    pendingNode.textContent = S.pending;
    pendingNode.hidden = !pending;
    box.dataset.queued = pending ? "1" : "0";
    box.hidden = false;
    window.clearTimeout(state.resultTimer);
    state.resultTimer = window.setTimeout(clearResult, RESULT_MS);
    focusScan();
  }

  const zoneName = (id) => {
    const zone = state.session && state.session.zones.find((z) => z.id === id);
    return zone ? zone.name : "";
  };

  function clearResult() {
    $("[data-result]").hidden = true;
    focusScan();
  }

  // --- sync -----------------------------------------------------------------------------------
  async function sync() {
    if (state.syncing || !state.queue.length || !state.token || !online()) return;
    state.syncing = true;
    try {
      const batch = state.queue.slice(0, 500);
      const data = await api("POST", "/sync", { scans: batch });
      const done = new Set(data.results.map((r) => r.nonce));
      for (const result of data.results) {
        if (result.ticket) rememberUse(result.ticket.id, result.entries, result.inside, false);
        if (result.flagged) {
          state.flagged.unshift({
            nonce: result.nonce,
            holder: result.ticket ? result.ticket.holder_name : "",
            order: result.ticket ? result.ticket.order_code : "",
            message: result.message,
            at: (batch.find((b) => b.nonce === result.nonce) || {}).scanned_at,
          });
        }
      }
      state.queue = state.queue.filter((item) => !done.has(item.nonce));
      state.flagged = state.flagged.slice(0, 100);
      save("queue", state.queue);
      save("flagged", state.flagged);
      renderFlagged();
      $("[data-list-status]").textContent = S.synced;
    } catch (_error) {
      // still offline, or refused: try again later
    } finally {
      state.syncing = false;
      updateNet();
    }
  }

  function renderFlagged() {
    const list = $("[data-flagged]");
    list.replaceChildren(
      ...state.flagged.map((f) => {
        const li = document.createElement("li");
        const when = f.at ? new Date(f.at).toLocaleTimeString() : "";
        li.textContent = [when, f.holder, f.order, f.message].filter(Boolean).join(" · ");
        return li;
      }),
    );
    $("[data-flagged-box]").hidden = state.flagged.length === 0;
  }

  // --- order search (SCAN-6) ------------------------------------------------------------------
  async function search(text) {
    const results = $("[data-search-results]");
    const note = $("[data-search-note]");
    note.hidden = true;
    let orders = null;
    if (online()) {
      try {
        orders = (await api("GET", `/search?q=${encodeURIComponent(text)}`)).orders;
      } catch (error) {
        if (!(error instanceof Offline)) {
          note.textContent = error.message;
          note.hidden = false;
          return;
        }
      }
    }
    if (orders === null) {
      note.textContent = S.search_offline;
      note.hidden = false;
      orders = searchCache(text);
    }
    if (!orders.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = S.no_results;
      results.replaceChildren(li);
      return;
    }
    results.replaceChildren(
      ...orders.map((order) => {
        const li = document.createElement("li");
        const head = document.createElement("strong");
        head.textContent = `${order.code} · ${order.buyer_name}`;
        li.append(head);
        const ul = document.createElement("ul");
        for (const ticket of order.tickets) {
          const row = document.createElement("li");
          const label = document.createElement("span");
          const zone = ticket.zone_name || zoneName(ticket.zone_id);
          label.textContent = [ticket.holder_name, ticket.price_name, zone, ticket.seat, fmt(S.entries, { n: ticket.entries })]
            .filter(Boolean)
            .join(" · ");
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = S.admit;
          button.addEventListener("click", () => scan({ ticketId: ticket.id }));
          row.append(label, " ", button);
          ul.append(row);
        }
        li.append(ul);
        return li;
      }),
    );
  }

  function searchCache(text) {
    const words = text.toLowerCase().replace(/^#/, "").split(/\s+/).filter(Boolean);
    const orders = new Map();
    for (const entry of Object.values(state.cache.tickets)) {
      const hay = `${entry.order_code} ${entry.holder_name}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) continue;
      const order = orders.get(entry.order_code) || {
        code: entry.order_code, buyer_name: entry.holder_name, tickets: [],
      };
      const use = state.cache.uses[entry.id] || entry;
      order.tickets.push({ ...entry, entries: use.entries });
      orders.set(entry.order_code, order);
      if (orders.size >= 20) break;
    }
    return Array.from(orders.values());
  }

  // --- camera (BarcodeDetector when the browser has it) ---------------------------------------
  let camera = null;

  async function startCamera() {
    const box = $("[data-camera-box]");
    const video = $("[data-video]");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" }, audio: false,
      });
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      video.srcObject = stream;
      await video.play();
      box.hidden = false;
      camera = { stream, last: "", lastAt: 0, timer: null };
      const tick = async () => {
        if (!camera) return;
        try {
          const found = await detector.detect(video);
          const text = found.length ? found[0].rawValue : "";
          const now = Date.now();
          if (text && (text !== camera.last || now - camera.lastAt > 3000)) {
            camera.last = text;
            camera.lastAt = now;
            await scan({ code: text.trim() });
          }
        } catch (_error) {
          // a frame that could not be read
        }
        if (camera) camera.timer = window.setTimeout(tick, 200);
      };
      tick();
    } catch (_error) {
      stopCamera();
      $("[data-list-status]").textContent = S.camera_failed;
    }
  }

  function stopCamera() {
    if (camera) {
      window.clearTimeout(camera.timer);
      camera.stream.getTracks().forEach((track) => track.stop());
    }
    camera = null;
    $("[data-camera-box]").hidden = true;
    focusScan();
  }

  // --- wiring ---------------------------------------------------------------------------------
  function wire() {
    $("[data-login-code]").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      logIn({ method: "code", code: form.code.value, device_name: form.device_name.value });
    });
    $("[data-login-staff]").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      logIn({
        method: "staff",
        email: form.email.value,
        password: form.password.value,
        totp: form.totp.value,
        organizer: $("[data-organizer-choice]").hidden ? "" : form.organizer.value,
        device_name: $("#device-name").value,
      });
    });
    $("[data-choose]").addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const session = await api("PUT", "/session", {
          profile_id: Number($("#choose-profile").value),
        });
        await startSession(session);
      } catch (error) {
        showError("[data-choose-error]", error instanceof Offline ? S.network : error.message);
      }
    });
    $("[data-scan]").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("#scan-input");
      const code = input.value.trim();
      input.value = "";
      if (code) scan({ code });
    });
    $("[data-search]").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = event.target.q.value.trim();
      if (text) search(text);
    });
    $$("[data-logout]").forEach((button) =>
      button.addEventListener("click", async () => {
        try {
          await api("POST", "/logout");
        } catch (_error) {
          // offline: forget the token all the same
        }
        state.token = null;
        state.session = null;
        state.cache = emptyCache();
        ["token", "session", "cache", "device"].forEach(drop);
        show("login");
      }),
    );
    // a reader keeps typing into the scan field after the direction is switched
    $$('input[name="direction"]').forEach((radio) => radio.addEventListener("change", focusScan));
    $("[data-change-session]").addEventListener("click", () => chooseScreen());
    $("[data-sync]").addEventListener("click", () => sync());
    $("[data-result]").addEventListener("click", clearResult);
    if ("BarcodeDetector" in window && navigator.mediaDevices) {
      $("[data-camera]").hidden = false;
      $("[data-camera]").addEventListener("click", () => (camera ? stopCamera() : startCamera()));
      $("[data-camera-stop]").addEventListener("click", stopCamera);
    }
    // keyboard-wedge readers type into whatever has the focus: keep it on the scan input,
    // unless the person is using another field or control
    document.addEventListener("focusout", () => {
      window.setTimeout(() => {
        const active = document.activeElement;
        if (!active || active === document.body) focusScan();
      }, 0);
    });
    document.addEventListener("click", (event) => {
      if (!event.target.closest("input, select, textarea, button, a, summary, label")) focusScan();
    });
    window.addEventListener("online", () => {
      updateNet();
      sync().then(refreshCache);
    });
    window.addEventListener("offline", updateNet);
    window.setInterval(() => {
      updateNet();
      sync();
    }, SYNC_EVERY_MS);
    window.setInterval(() => {
      if (!state.queue.length) refreshCache();
    }, REFRESH_EVERY_MS);
  }

  async function start() {
    wire();
    updateNet();
    const match = /(?:^#|&)code=([^&]+)/.exec(window.location.hash);
    if (match) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
      if (await logIn({ method: "code", code: decodeURIComponent(match[1]), device_name: "" })) return;
      show("login");
      return;
    }
    if (!state.token) {
      show("login");
      return;
    }
    if (state.session) {
      renderSession();
      show("scan");
    }
    try {
      const session = await api("GET", "/session");
      await startSession(session);
      sync();
    } catch (error) {
      if (error instanceof Offline) {
        if (!state.session) show("login");
      } else if (error.status === 409) {
        await chooseScreen();
      }
    }
  }

  start();
})();
