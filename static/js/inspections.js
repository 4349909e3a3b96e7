/* Inspection pages: the overview, site visits (the phone-first new-visit form with its offline
 * queue), campaigns, rectification orders, annual written reviews, patrol targets, and the
 * records listed on an employer's page. Alpine.js components over /api/v1/visits/,
 * /api/v1/campaigns/, /api/v1/rectification-orders/, /api/v1/annual-reviews/ and
 * /api/v1/patrol-targets/. Uses api(), pagedList(), errorsByField(), draftKey() and
 * formatDateTime() from app.js, todayIso(), jsonScript() and focusInvalid() from wagecases.js.
 *
 * Offline (new-visit form): each visit gets a client UUID when the form is started. A visit that
 * cannot reach the server (no network, or the request fails on the way) is kept in IndexedDB
 * with its photos (downscaled in the browser) and sent again on the `online` event, when the
 * page loads and with the "立即发送" button. The server recognises a re-send by the UUID (200
 * `duplicate: true`), photos too, so sending twice stores one visit. A 400 keeps the entry with
 * its field errors, to be opened back in the form. The lists the form needs (inspectors,
 * campaigns in progress, checklists, recent employers) are kept in localStorage. */
"use strict";

/* --- helpers -------------------------------------------------------------------------- */

function currentUserId() {
  const meta = document.querySelector('meta[name="user-id"]');
  return meta ? meta.content : "";
}

/* A v4 UUID: crypto.randomUUID where there is one (secure pages), else from random bytes. */
function newUuid() {
  const c = window.crypto;
  if (c && typeof c.randomUUID === "function") {
    try { return c.randomUUID(); } catch (e) { /* not a secure context: below */ }
  }
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/* Now in Beijing as the value of a datetime-local input ("2026-05-01T09:30"). */
function nowLocalInput() {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  }).formatToParts(new Date());
  const get = (type) => (parts.find((p) => p.type === type) || {}).value;
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour") === "24" ? "00" : get("hour")}:${get("minute")}`;
}

/* A datetime-local value read as Beijing time -> ISO 8601 with its offset. */
function localInputToIso(value) {
  if (!value) return "";
  return (value.length === 16 ? value + ":00" : value) + "+08:00";
}

/* A list answer: a plain array, or a page of results. */
function listOf(data) {
  if (Array.isArray(data)) return data;
  return (data && data.results) || [];
}

/* Counts typed in inputs: digits are sent as numbers, anything else as typed (the server then
 * says what is wrong, beside the field). */
function countValue(value) {
  const text = String(value === null || value === undefined ? "" : value).trim();
  return /^\d+$/.test(text) ? Number(text) : text;
}

/* A percentage string from the API ("35.0") as a bar's value, at most 100. */
function barValue(percent) {
  const n = Number(percent || 0);
  return Number.isFinite(n) ? Math.max(0, Math.min(100, n)) : 0;
}

function percentText(percent) {
  return percent === null || percent === undefined || percent === "" ? "—" : `${percent}%`;
}

function dateOf(value) {
  return value ? formatDateTime(value).slice(0, 10) : "—";
}

function personNames(people) {
  return (people || []).map((p) => p.name).join("、") || "—";
}

function yesNo(value) {
  if (value === true) return gettext("是");
  if (value === false) return gettext("否");
  return "—";
}

/* A checklist answer as shown. */
function answerText(item) {
  const a = item.answer;
  if (a === null || a === undefined || a === "") return item.kind === "photo" ? "" : gettext("未填写");
  if (item.kind === "yes_no") return yesNo(a);
  if (item.kind === "amount") return interpolate(gettext("%s元"), [a]);
  return String(a);
}

/* Lines typed in a textarea -> the non-empty ones. */
function linesOf(text) {
  return String(text || "").split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

/* Kept in localStorage for the form to work offline; under the user's draft keys, so they go
 * at logout with the drafts. */
function cacheGet(name, fallback) {
  try {
    const raw = window.localStorage.getItem(draftKey("inspections-" + name));
    return raw ? JSON.parse(raw) : fallback;
  } catch (e) {
    return fallback;
  }
}

function cacheSet(name, value) {
  try {
    window.localStorage.setItem(draftKey("inspections-" + name), JSON.stringify(value));
  } catch (e) { /* storage full: the list is loaded again next time */ }
}

/* A multipart POST (a photo); resolves to {ok, status, data} like api(). */
async function apiUpload(url, formData) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      body: formData,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Accept-Language": document.documentElement.lang || "zh-CN",
        "X-CSRFToken": csrfToken(),
      },
    });
  } catch (e) {
    return { ok: false, status: 0, data: { code: "network", message: gettext("网络连接失败，请稍后重试。"), errors: [] } };
  }
  let data;
  try {
    data = await response.json();
  } catch (e) {
    data = { code: "server_error", message: gettext("服务器出错，请稍后重试。"), errors: [] };
  }
  return { ok: response.ok, status: response.status, data };
}

/* A photo from the camera, made smaller before it is stored or sent: at most `max` pixels on
 * its longer side, as JPEG. Returns {data: ArrayBuffer, type, name}; a file the browser cannot
 * draw is kept as it is (the server says whether it is an image). */
async function downscalePhoto(file, max = 1600) {
  const baseName = (file.name || "photo").replace(/\.[^.]*$/, "") || "photo";
  const asIs = async () => ({ data: await file.arrayBuffer(), type: file.type || "application/octet-stream", name: file.name || "photo" });
  let source = null;
  try {
    if (window.createImageBitmap) {
      try {
        source = await createImageBitmap(file, { imageOrientation: "from-image" });
      } catch (e) {
        source = await createImageBitmap(file);
      }
    } else {
      source = await new Promise((resolve, reject) => {
        const img = new Image();
        const url = URL.createObjectURL(file);
        img.onload = () => { URL.revokeObjectURL(url); resolve(img); };
        img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("image")); };
        img.src = url;
      });
    }
  } catch (e) {
    return asIs();
  }
  const width = source.width || source.naturalWidth;
  const height = source.height || source.naturalHeight;
  if (!width || !height) return asIs();
  const scale = Math.min(1, max / Math.max(width, height));
  if (scale === 1 && file.type === "image/jpeg") return asIs();
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext("2d");
  if (!context) return asIs();
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  if (source.close) source.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
  if (!blob) return asIs();
  return { data: await blob.arrayBuffer(), type: "image/jpeg", name: baseName + ".jpg" };
}

/* Upload photos to a visit, each with its own client UUID (a re-send is answered 200). */
async function uploadPhoto(visitId, photo) {
  const form = new FormData();
  form.append("file", new Blob([photo.data], { type: photo.type }), photo.name);
  if (photo.item_key) form.append("item_key", photo.item_key);
  if (photo.caption) form.append("caption", photo.caption);
  if (photo.client_uuid) form.append("client_uuid", photo.client_uuid);
  return apiUpload(`/api/v1/visits/${visitId}/photos/`, form);
}

/* Working days left to a due date, as words ("剩3个工作日"), through wagecases.js. */
async function dueWords(due) {
  if (!due || typeof workingDaysUntil !== "function") return "";
  return dueText(await workingDaysUntil(due));
}

/* --- the queue of visits not sent yet (IndexedDB) ----------------------------------------- */

const visitQueue = (() => {
  const NAME = "bureau-inspections";
  const STORE = "visits";
  let opening = null;
  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        if (!window.indexedDB) { reject(new Error("indexedDB")); return; }
        const request = window.indexedDB.open(NAME, 1);
        request.onupgradeneeded = () => {
          if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: "client_uuid" });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      opening.catch(() => { opening = null; });
    }
    return opening;
  }
  async function run(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  return {
    /* The signed-in user's entries, oldest first. */
    async all() {
      const user = currentUserId();
      const rows = (await run("readonly", (store) => store.getAll())) || [];
      return rows.filter((e) => e.user === user).sort((a, b) => (a.created < b.created ? -1 : 1));
    },
    get(id) { return run("readonly", (store) => store.get(id)); },
    put(entry) { return run("readwrite", (store) => store.put(entry)); },
    remove(id) { return run("readwrite", (store) => store.delete(id)); },
  };
})();
window.visitQueue = visitQueue;

/* Send one queued visit, then its photos. Resolves to {state}: "sent" (stored, queue entry
 * removed), "offline" (kept, to try again), "invalid" (kept with the server's errors). */
async function sendQueuedVisit(entry) {
  const keep = async (e) => { try { await visitQueue.put(e); } catch (err) { /* no IndexedDB: sent from memory */ } };
  if (!entry.visit) {
    const res = await api("POST", "/api/v1/visits/", entry.body);
    const unreachable = res.status === 0 || res.status >= 500 || res.status === 429 || res.status === 408;
    const signedOut = (res.status === 401 || res.status === 403) && res.data && ["not_authenticated", "authentication_failed"].includes(res.data.code);
    if (unreachable || signedOut) {
      entry.status = "pending";
      entry.tries = (entry.tries || 0) + 1;
      entry.message = res.status ? res.data.message : "";
      await keep(entry);
      return { state: "offline", res };
    }
    if (res.status !== 200 && res.status !== 201) {
      entry.status = "invalid";
      entry.errors = errorsByField(res.data);
      entry.message = entry.errors._ || res.data.message;
      await keep(entry);
      return { state: "invalid", res };
    }
    entry.visit = { id: res.data.id, number: res.data.number, duplicate: !!res.data.duplicate };
    entry.status = "pending";
    entry.errors = {};
    entry.message = "";
    await keep(entry);
  }
  for (const photo of entry.photos) {
    if (photo.sent) continue;
    const res = await uploadPhoto(entry.visit.id, photo);
    if (res.status === 0 || res.status >= 500 || res.status === 429) {
      await keep(entry);
      return { state: "offline", res };
    }
    if (!res.ok) {
      const errors = errorsByField(res.data);
      entry.photoErrors = (entry.photoErrors || []).concat(`${photo.name}${gettext("：")}${errors.file || errors._ || Object.values(errors)[0] || res.data.message}`);
    }
    photo.sent = true;
    photo.data = null;
    await keep(entry);
  }
  await visitQueue.remove(entry.client_uuid).catch(() => {});
  return { state: "sent", visit: entry.visit, photoErrors: entry.photoErrors || [] };
}

document.addEventListener("alpine:init", () => {
  /* --- the overview --------------------------------------------------------------------- */

  Alpine.data("inspectionsOverview", (config) => ({
    mine: [], overdue: [], overdueCount: 0, progress: [], campaigns: [], loading: true, error: "",
    async init() {
      const me = currentUserId();
      const [visits, orders, progress, campaigns] = await Promise.all([
        api("GET", `/api/v1/visits/?inspector=${me}&page_size=5`),
        api("GET", "/api/v1/rectification-orders/?overdue=true&page_size=10"),
        api("GET", `/api/v1/patrol-targets/progress/?year=${config.year}`),
        api("GET", "/api/v1/campaigns/?active=true&page_size=50"),
      ]);
      this.loading = false;
      const failed = [visits, orders, progress, campaigns].find((r) => !r.ok);
      if (failed) this.error = failed.data.message;
      if (visits.ok) this.mine = listOf(visits.data);
      if (orders.ok) { this.overdue = listOf(orders.data); this.overdueCount = orders.data.count ?? this.overdue.length; }
      if (progress.ok) this.progress = listOf(progress.data);
      if (campaigns.ok) this.campaigns = listOf(campaigns.data);
    },
  }));

  /* --- visits: the list ----------------------------------------------------------------- */

  Alpine.data("visitList", () => {
    const p = new URLSearchParams(window.location.search);
    return pagedList({
      q: p.get("q") || "", campaign: p.get("campaign") || (p.get("patrol") === "true" ? "patrol" : ""),
      inspector: p.get("inspector") || "", from: p.get("date_from") || "", to: p.get("date_to") || "",
      problems: p.get("has_problems") === "true", wages: p.get("wages_on_time") || "",
      employer: p.get("employer") ? { id: Number(p.get("employer")), name: "#" + p.get("employer") } : null,
      campaigns: [], inspectors: [],
      async init() {
        this.load();
        const [campaigns, inspectors, employer] = await Promise.all([
          api("GET", "/api/v1/campaigns/?page_size=200"),
          api("GET", "/api/v1/visits/inspectors/"),
          this.employer ? api("GET", `/api/v1/employers/${this.employer.id}/`) : Promise.resolve(null),
        ]);
        if (campaigns.ok) this.campaigns = listOf(campaigns.data);
        if (inspectors.ok) this.inspectors = listOf(inspectors.data);
        if (employer && employer.ok) this.employer = { id: employer.data.id, name: employer.data.name };
      },
      params() {
        const q = new URLSearchParams();
        if (this.q) q.set("q", this.q);
        if (this.campaign === "patrol") q.set("patrol", "true");
        else if (this.campaign) q.set("campaign", this.campaign);
        if (this.employer) q.set("employer", this.employer.id);
        if (this.inspector) q.set("inspector", this.inspector);
        if (this.from) q.set("date_from", this.from);
        if (this.to) q.set("date_to", this.to);
        if (this.wages) q.set("wages_on_time", this.wages);
        if (this.problems) q.set("has_problems", "true");
        return q;
      },
      exportUrl() { return "/api/v1/visits/export/?" + this.params().toString(); },
      pickEmployer(e) { this.employer = e; this.search(); },
      load() { return this.fetchPage("/api/v1/visits/", this.params()); },
    });
  });

  /* --- visits: the new-visit form (phone first, offline queue) -------------------------- */

  const VISIT_BLANK = () => ({
    client_uuid: newUuid(), employer: null, campaign: "", patrol_type: "", inspectors: [], visited_at: nowLocalInput(),
    answers: {}, site_address: "", workers_on_site: "", contracts_found: "", contracts_urged: "", wages_on_time: "not_checked",
    workers_unpaid: "", amount_unpaid: "", child_labour_found: "", minimum_wage_problem: false, findings: "",
    latitude: "", longitude: "", accuracy_m: null,
  });

  Alpine.data("visitNew", (config) => {
    // The photos' bytes stay out of Alpine's reactive state (and out of the draft).
    const photoData = new Map();
    return {
      form: VISIT_BLANK(), photos: [], errors: {}, message: "", notice: "", busy: false, restored: false,
      inspectors: cacheGet("inspectors", []), campaigns: cacheGet("campaigns", []), types: cacheGet("types", []),
      recent: cacheGet("employers", []), listsOffline: false, online: navigator.onLine !== false,
      pending: [], flushing: false, sent: [], reopened: "", locating: false, geoError: "", photoBusy: false,

      async init() {
        const saved = window.localStorage.getItem(draftKey("visit-new"));
        if (saved) {
          try {
            Object.assign(this.form, JSON.parse(saved));
            this.restored = !!(this.form.employer || this.form.findings);
          } catch (e) { window.localStorage.removeItem(draftKey("visit-new")); }
        }
        this.$watch("form", (value) => this.saveDraft(value), { deep: true });
        window.addEventListener("online", () => { this.online = true; this.flush(); });
        window.addEventListener("offline", () => { this.online = false; });
        if (config.sw && "serviceWorker" in navigator) {
          navigator.serviceWorker.register(config.sw, { scope: config.scope }).catch(() => {});
        }
        await this.loadLists();
        await this.refreshPending();
        this.flush();
      },
      saveDraft(value) {
        const dirty = value.employer || value.findings || Object.keys(value.answers || {}).length;
        if (dirty) window.localStorage.setItem(draftKey("visit-new"), JSON.stringify(value));
        else window.localStorage.removeItem(draftKey("visit-new"));
      },
      discard() {
        window.localStorage.removeItem(draftKey("visit-new"));
        this.reset(false);
        this.restored = false;
      },

      /* The lists the form needs, from the API when it answers, else as kept last time. */
      async loadLists() {
        const [inspectors, campaigns, types] = await Promise.all([
          api("GET", "/api/v1/visits/inspectors/"),
          api("GET", "/api/v1/campaigns/?active=true&page_size=100"),
          api("GET", "/api/v1/campaign-types/"),
        ]);
        if (inspectors.ok) { this.inspectors = listOf(inspectors.data); cacheSet("inspectors", this.inspectors); }
        if (campaigns.ok) {
          this.campaigns = listOf(campaigns.data).map((c) => ({ id: c.id, name: c.name, campaign_type: c.campaign_type, starts_on: c.starts_on, ends_on: c.ends_on }));
          cacheSet("campaigns", this.campaigns);
        }
        if (types.ok) { this.types = listOf(types.data).filter((t) => t.active !== false); cacheSet("types", this.types); }
        this.listsOffline = [inspectors, campaigns, types].some((r) => r.status === 0);
        // the campaign in the address bar (from a campaign's page)
        const wanted = new URLSearchParams(window.location.search).get("campaign");
        if (wanted && !this.form.employer && this.campaigns.some((c) => String(c.id) === wanted)) this.form.campaign = wanted;
        this.preselectMe();
      },
      preselectMe() {
        const me = Number(currentUserId());
        if (!this.form.inspectors.length && this.inspectors.some((u) => u.id === me)) this.form.inspectors = [me];
      },

      /* The checklist: the current template of the campaign's type; a patrol may pick a type. */
      typeOf(id) { return this.types.find((t) => String(t.id) === String(id)) || null; },
      campaignOf() { return this.campaigns.find((c) => String(c.id) === String(this.form.campaign)) || null; },
      template() {
        let type = null;
        if (this.form.campaign) {
          const campaign = this.campaignOf();
          type = campaign ? this.typeOf(campaign.campaign_type.id) : null;
        } else if (this.form.patrol_type) {
          type = this.typeOf(this.form.patrol_type);
        }
        return type && type.template ? type.template : null;
      },
      items() { const t = this.template(); return t ? t.items : []; },
      answerItems() { return this.items().filter((i) => i.kind !== "photo"); },
      photoItems() { return this.items().filter((i) => i.kind === "photo"); },
      setAnswer(key, value) { this.form.answers = Object.assign({}, this.form.answers, { [key]: value }); },
      pickCampaign() {
        if (this.form.campaign) this.form.patrol_type = "";
      },

      /* The employer: chosen from the search, or from those visited lately (offline too). */
      pickEmployer(e) {
        this.form.employer = { id: e.id, name: e.name, credit_code: e.credit_code || "" };
        this.errors = Object.assign({}, this.errors, { employer: "" });
        this.recent = [this.form.employer, ...this.recent.filter((r) => r.id !== e.id)].slice(0, 30);
        cacheSet("employers", this.recent);
      },

      toggleInspector(id) {
        this.form.inspectors = this.form.inspectors.includes(id) ? this.form.inspectors.filter((i) => i !== id) : [...this.form.inspectors, id];
      },

      locate() {
        this.geoError = "";
        if (!navigator.geolocation) { this.geoError = gettext("此设备不能定位。"); return; }
        this.locating = true;
        navigator.geolocation.getCurrentPosition(
          (pos) => {
            this.locating = false;
            this.form.latitude = pos.coords.latitude.toFixed(6);
            this.form.longitude = pos.coords.longitude.toFixed(6);
            this.form.accuracy_m = Math.round(pos.coords.accuracy || 0);
          },
          (err) => {
            this.locating = false;
            this.geoError = err && err.code === 1 ? gettext("未允许定位。可以不定位，检查记录照样保存。") : gettext("定位失败。可以不定位，检查记录照样保存。");
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
        );
      },
      clearPosition() { this.form.latitude = ""; this.form.longitude = ""; this.form.accuracy_m = null; },
      mapUrl() { return `https://uri.amap.com/marker?position=${this.form.longitude},${this.form.latitude}&coordinate=wgs84`; },

      /* Photos: made smaller at once, kept in memory until the visit is stored or queued. */
      async addPhotos(event, itemKey) {
        const files = Array.from(event.target.files || []);
        event.target.value = "";
        if (!files.length) return;
        this.photoBusy = true;
        for (const file of files) {
          const photo = await downscalePhoto(file);
          const id = newUuid();
          photoData.set(id, photo.data);
          const url = URL.createObjectURL(new Blob([photo.data], { type: photo.type }));
          this.photos.push({ client_uuid: id, item_key: itemKey || "", caption: "", name: photo.name, type: photo.type, size: photo.data.byteLength, url });
        }
        this.photoBusy = false;
      },
      photosOf(itemKey) { return this.photos.filter((p) => p.item_key === (itemKey || "")); },
      removePhoto(photo) {
        photoData.delete(photo.client_uuid);
        URL.revokeObjectURL(photo.url);
        this.photos = this.photos.filter((p) => p.client_uuid !== photo.client_uuid);
      },

      /* The request's body, as the API takes it. */
      body() {
        const f = this.form;
        const template = this.template();
        const body = {
          client_uuid: f.client_uuid,
          employer: f.employer ? f.employer.id : null,
          visited_at: localInputToIso(f.visited_at),
          inspectors: f.inspectors.map(Number),
          campaign: f.campaign ? Number(f.campaign) : null,
          template: template ? template.id : null,
          answers: {},
          wages_on_time: f.wages_on_time,
          minimum_wage_problem: !!f.minimum_wage_problem,
          findings: f.findings,
          site_address: f.site_address,
        };
        for (const item of template ? template.items : []) {
          const value = f.answers[item.key];
          if (value === undefined || value === null || value === "" || item.kind === "photo") continue;
          if (item.kind === "yes_no") body.answers[item.key] = value === true || value === "true";
          else if (item.kind === "number") body.answers[item.key] = countValue(value);
          else body.answers[item.key] = String(value);
        }
        for (const key of ["workers_on_site", "contracts_found", "contracts_urged", "child_labour_found"]) {
          if (String(f[key]).trim() !== "") body[key] = countValue(f[key]);
        }
        if (f.wages_on_time === "no") {
          if (String(f.workers_unpaid).trim() !== "") body.workers_unpaid = countValue(f.workers_unpaid);
          if (String(f.amount_unpaid).trim() !== "") body.amount_unpaid = String(f.amount_unpaid).trim();
        }
        if (f.latitude && f.longitude) {
          body.latitude = f.latitude;
          body.longitude = f.longitude;
          if (f.accuracy_m !== null && f.accuracy_m !== "") body.accuracy_m = Number(f.accuracy_m);
        }
        return body;
      },
      /* The queue entry of the form as it stands (plain data only: IndexedDB clones it). */
      entry() {
        const form = JSON.parse(JSON.stringify(this.form));
        const employer = form.employer ? form.employer.name : "";
        return {
          client_uuid: form.client_uuid,
          user: currentUserId(),
          created: new Date().toISOString(),
          label: `${employer} · ${form.visited_at.replace("T", " ")}`,
          body: JSON.parse(JSON.stringify(this.body())),
          form,
          photos: this.photos.map((p) => ({
            client_uuid: p.client_uuid, item_key: p.item_key, caption: p.caption, name: p.name, type: p.type,
            data: photoData.get(p.client_uuid), sent: false,
          })),
          visit: null, status: "pending", errors: {}, message: "", photoErrors: [],
        };
      },
      /* What can be checked here before a visit is kept for later (the server checks again). */
      checkOffline() {
        const errors = {};
        if (this.form.inspectors.length < 2) errors.inspectors = gettext("检查应由两名以上监察员进行。");
        if (!this.form.visited_at) errors.visited_at = gettext("请填写检查时间。");
        for (const item of this.answerItems()) {
          const v = this.form.answers[item.key];
          if (item.required && (v === undefined || v === null || v === "")) {
            errors["answers." + item.key] = interpolate(gettext("“%s”为必答项目。"), [item.label]);
          }
        }
        this.errors = errors;
        if (Object.keys(errors).length) {
          this.message = gettext("请先改正标出的内容。");
          focusInvalid(this.$root);
          return false;
        }
        return true;
      },
      fieldError(key) { return this.errors[key] || ""; },
      /* Errors the form has no place for, shown at the top. */
      otherErrors() {
        const shown = ["employer", "visited_at", "inspectors", "campaign", "template", "answers", "site_address", "workers_on_site", "contracts_found",
          "contracts_urged", "wages_on_time", "workers_unpaid", "amount_unpaid", "child_labour_found", "minimum_wage_problem", "findings",
          "latitude", "longitude", "accuracy_m", "_"];
        return Object.entries(this.errors).filter(([k, v]) => v && !shown.includes(k) && !k.startsWith("answers.")).map(([, v]) => v);
      },

      async submit() {
        if (this.busy) return;
        this.errors = {};
        this.message = "";
        this.notice = "";
        if (!this.form.employer) {
          this.errors = { employer: gettext("请选择被检查单位。") };
          this.message = this.errors.employer;
          focusInvalid(this.$root);
          return;
        }
        if (this.photoBusy) { this.message = gettext("照片正在处理，请稍候。"); return; }
        if (!navigator.onLine && !this.checkOffline()) return;
        this.busy = true;
        const entry = this.entry();
        try {
          await visitQueue.put(entry); // kept safe while it is being sent
        } catch (e) {
          if (!navigator.onLine) { this.busy = false; this.message = gettext("本机无法保存检查记录（浏览器存储不可用），请在有网络时提交。"); return; }
        }
        const result = navigator.onLine ? await sendQueuedVisit(entry) : { state: "offline" };
        this.busy = false;
        if (result.state === "sent") {
          window.localStorage.removeItem(draftKey("visit-new"));
          if (result.photoErrors.length) {
            this.reset(true);
            this.notice = interpolate(gettext("检查记录 %s 已保存，但有照片未能上传："), [result.visit.number]) + result.photoErrors.join(gettext("；"));
            await this.refreshPending();
            return;
          }
          window.location.href = `/inspections/visits/${result.visit.id}/?sent=1`;
          return;
        }
        if (result.state === "invalid") {
          if (this.reopened !== entry.client_uuid) await visitQueue.remove(entry.client_uuid).catch(() => {});
          this.errors = Object.assign({}, entry.errors);
          this.message = entry.message;
          focusInvalid(this.$root);
          await this.refreshPending();
          return;
        }
        // the network is down, or failed on the way: kept for later, if it is complete enough
        if (!entry.visit && !this.checkOffline()) {
          await visitQueue.remove(entry.client_uuid).catch(() => {});
          return;
        }
        this.reset(true);
        this.notice = entry.visit
          ? interpolate(gettext("检查记录 %s 已保存，照片待网络恢复后发送。"), [entry.visit.number])
          : gettext("网络不通，检查记录已保存在本机，待发送。网络恢复后自动发送。");
        await this.refreshPending();
      },
      /* A blank form for the next visit; the team and the campaign stay. */
      reset(keepTeam) {
        const keep = keepTeam ? { campaign: this.form.campaign, patrol_type: this.form.patrol_type, inspectors: this.form.inspectors } : {};
        for (const p of this.photos) URL.revokeObjectURL(p.url);
        photoData.clear();
        this.photos = [];
        this.form = Object.assign(VISIT_BLANK(), keep);
        this.preselectMe();
        this.errors = {};
        this.message = "";
        this.reopened = "";
        window.localStorage.removeItem(draftKey("visit-new"));
        window.scrollTo(0, 0);
      },

      /* --- the queue ---------------------------------------------------------------------- */
      async refreshPending() {
        try {
          const entries = await visitQueue.all();
          this.pending = entries.map((e) => ({
            client_uuid: e.client_uuid, label: e.label, status: e.status, message: e.message, errors: e.errors || {},
            photos: e.photos.filter((p) => !p.sent).length, visit: e.visit,
          }));
        } catch (e) {
          this.pending = [];
        }
      },
      pendingCount() { return this.pending.length; },
      async flush() {
        if (this.flushing) return;
        this.flushing = true;
        try {
          for (const entry of await visitQueue.all()) {
            if (entry.status === "invalid" || entry.client_uuid === this.reopened) continue;
            const result = await sendQueuedVisit(entry);
            if (result.state === "offline") break;
            if (result.state === "sent") {
              this.sent.push({ id: result.visit.id, number: result.visit.number, label: entry.label, photoErrors: result.photoErrors });
            }
          }
        } catch (e) {
          /* IndexedDB unavailable: nothing was queued */
        }
        this.flushing = false;
        await this.refreshPending();
      },
      /* Open a refused visit back in the form, with the server's errors beside the fields. */
      async edit(id) {
        const entry = await visitQueue.get(id);
        if (!entry) return;
        for (const p of this.photos) URL.revokeObjectURL(p.url);
        photoData.clear();
        this.form = Object.assign(VISIT_BLANK(), entry.form);
        this.photos = entry.photos.filter((p) => !p.sent && p.data).map((p) => {
          photoData.set(p.client_uuid, p.data);
          return { client_uuid: p.client_uuid, item_key: p.item_key, caption: p.caption, name: p.name, type: p.type, size: p.data.byteLength,
            url: URL.createObjectURL(new Blob([p.data], { type: p.type })) };
        });
        this.errors = Object.assign({}, entry.errors || {});
        this.message = entry.message || "";
        this.reopened = entry.client_uuid;
        this.notice = "";
        window.scrollTo(0, 0);
        focusInvalid(this.$root);
      },
      async drop(id) {
        if (!window.confirm(gettext("删除这条未发送的检查记录？删除后不能恢复。"))) return;
        await visitQueue.remove(id);
        if (this.reopened === id) this.reset(true);
        await this.refreshPending();
      },
    };
  });

  /* The employer picker of the new-visit form: the API's search when online, else (or when
     the API does not answer) the employers visited lately. Emits `eventName`. */
  Alpine.data("visitEmployerSearch", (eventName) => ({
    query: "", hits: [], index: -1, local: false,
    async find() {
      const q = this.query.trim();
      this.index = -1;
      if (!q) { this.hits = []; return; }
      const recent = cacheGet("employers", []);
      const matches = recent.filter((e) => e.name.includes(q) || (e.credit_code || "").includes(q.toUpperCase()));
      if (navigator.onLine && (q.length >= 2 || /[\u3400-\u9fff]/.test(q))) {
        const res = await api("GET", "/api/v1/employers/?page_size=8&q=" + encodeURIComponent(q));
        if (q !== this.query.trim()) return;
        if (res.ok) { this.hits = res.data.results; this.local = false; return; }
      }
      this.hits = matches.slice(0, 8);
      this.local = true;
    },
    key(event) {
      if (event.key === "ArrowDown") { this.index = Math.min(this.index + 1, this.hits.length - 1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { this.index = Math.max(this.index - 1, 0); event.preventDefault(); }
      else if (event.key === "Enter") {
        event.preventDefault();
        const hit = this.hits[this.index >= 0 ? this.index : 0];
        if (hit) this.pick(hit);
      } else if (event.key === "Escape") { this.hits = []; }
    },
    pick(row) {
      this.hits = [];
      this.query = "";
      this.$dispatch(eventName, { id: row.id, name: row.name, credit_code: row.credit_code });
    },
  }));

  /* --- visits: the visit's page and its acts ----------------------------------------------- */

  /* Opening a case from a finding (a visit's or an unmet order's): workers with their claims
     for a wage case, categories for a case to investigate. */
  const caseOpening = () => ({
    caseKind: "", claims: [], categories: [], chosenCategories: [], caseErrors: {}, caseMessage: "", caseBusy: false, opened: null,
    async startCase(kind) {
      this.caseKind = kind;
      this.caseErrors = {};
      this.caseMessage = "";
      if (kind === "complaint" && !this.categories.length) {
        const res = await api("GET", "/api/v1/complaint-categories/?page_size=200");
        this.categories = res.ok ? listOf(res.data) : [];
      }
    },
    addClaimWorker(w) {
      if (!this.claims.some((c) => c.worker.id === w.id)) this.claims.push({ worker: w, amount_claimed: "", period_from: "", period_to: "" });
    },
    removeClaimWorker(index) { this.claims.splice(index, 1); },
    claimError(index) {
      const prefix = `claims.${index}`;
      return Object.entries(this.caseErrors).filter(([k]) => k === prefix || k.startsWith(prefix + ".")).map(([, v]) => v).join(" ");
    },
    caseBody() {
      if (this.caseKind === "wage") {
        return {
          kind: "wage",
          claims: this.claims.map((c) => {
            const claim = { worker: c.worker.id, amount_claimed: c.amount_claimed === "" ? "0" : c.amount_claimed };
            if (c.period_from) claim.period_from = c.period_from;
            if (c.period_to) claim.period_to = c.period_to;
            return claim;
          }),
        };
      }
      return { kind: "complaint", categories: this.chosenCategories };
    },
    async submitCase() {
      if (this.caseBusy) return;
      this.caseBusy = true;
      const res = await api("POST", this.caseUrl, this.caseBody());
      this.caseBusy = false;
      if (res.ok) {
        this.opened = res.data;
        this.caseKind = "";
        this.claims = [];
        this.chosenCategories = [];
        await this.load();
        return;
      }
      this.caseErrors = errorsByField(res.data);
      this.caseMessage = this.caseErrors._ || this.caseErrors.kind || res.data.message;
      if (res.status === 409) await this.load();
      focusInvalid(this.$root);
    },
  });

  Alpine.data("visitDetail", (id) => Object.assign(caseOpening(), {
    caseUrl: `/api/v1/visits/${id}/open-case/`, obj: null, error: "", notice: "", current: "",
    order: { items: "", deadline_days: "15", served_on: "" }, orderErrors: {}, orderMessage: "", orderBusy: false, issued: null,
    photoBusy: false, photoMessage: "",
    async load() {
      const res = await api("GET", `/api/v1/visits/${id}/`);
      if (res.ok) this.obj = res.data;
      else this.error = res.data.message;
      if (new URLSearchParams(window.location.search).get("sent") && this.obj && !this.notice) {
        this.notice = interpolate(gettext("检查记录 %s 已保存。"), [this.obj.number]);
      }
    },
    can(act) { return !!this.obj && (this.obj.allowed_acts || []).includes(act); },
    open(act) {
      this.current = this.current === act ? "" : act;
      this.opened = null;
      this.issued = null;
      this.caseKind = "";
      if ((act === "wage" || act === "complaint") && this.current) this.startCase(act);
    },
    mapUrl() { return this.obj ? `https://uri.amap.com/marker?position=${this.obj.longitude},${this.obj.latitude}&coordinate=wgs84` : ""; },
    photosOf(itemKey) { return this.obj ? this.obj.photos.filter((p) => p.item_key === itemKey) : []; },
    async addPhotos(event) {
      const files = Array.from(event.target.files || []);
      event.target.value = "";
      if (!files.length) return;
      this.photoBusy = true;
      this.photoMessage = "";
      const problems = [];
      for (const file of files) {
        const photo = await downscalePhoto(file);
        photo.client_uuid = newUuid();
        const res = await uploadPhoto(id, photo);
        if (!res.ok) {
          const errors = errorsByField(res.data);
          problems.push(`${photo.name}${gettext("：")}${errors.file || errors._ || Object.values(errors)[0] || res.data.message}`);
        }
      }
      this.photoBusy = false;
      this.photoMessage = problems.join(gettext("；"));
      await this.load();
    },
    async issueOrder() {
      if (this.orderBusy) return;
      const body = { items: linesOf(this.order.items), deadline_days: countValue(this.order.deadline_days) };
      if (this.order.served_on) body.served_on = this.order.served_on;
      this.orderBusy = true;
      const res = await api("POST", `/api/v1/visits/${id}/orders/`, body);
      this.orderBusy = false;
      if (res.ok) {
        this.issued = res.data;
        this.order = { items: "", deadline_days: "15", served_on: "" };
        this.orderErrors = {};
        this.orderMessage = "";
        this.current = "";
        await this.load();
        return;
      }
      this.orderErrors = errorsByField(res.data);
      for (const key of Object.keys(this.orderErrors)) if (key.startsWith("items.")) this.orderErrors.items = this.orderErrors[key];
      this.orderMessage = this.orderErrors._ || res.data.message;
      focusInvalid(this.$root);
    },
  }));

  /* --- campaigns ---------------------------------------------------------------------------- */

  Alpine.data("campaignList", (config) => {
    const p = new URLSearchParams(window.location.search);
    return pagedList({
      q: p.get("q") || "", year: p.get("year") || String(config.year), active: p.get("active") || "", type: p.get("campaign_type") || "",
      types: [],
      async init() {
        this.load();
        const res = await api("GET", "/api/v1/campaign-types/");
        if (res.ok) this.types = listOf(res.data);
      },
      params() {
        const q = new URLSearchParams();
        if (this.q) q.set("q", this.q);
        if (this.year) q.set("year", this.year);
        if (this.active) q.set("active", this.active);
        if (this.type) q.set("campaign_type", this.type);
        return q;
      },
      exportUrl() { return "/api/v1/campaigns/export/?" + this.params().toString(); },
      load() { return this.fetchPage("/api/v1/campaigns/", this.params()); },
    });
  });

  /* The form of a campaign (new, or the edit form of the campaign's page). The counties and
     their townships come by code from the page ("inspection-regions"); the API takes codes. */
  const CAMPAIGN_BLANK = () => ({
    name: "", campaign_type: "", starts_on: todayIso(), ends_on: "", regions: [], industries: [], target_employers: "", description: "", county: "",
  });
  Alpine.data("campaignForm", (config) => ({
    form: CAMPAIGN_BLANK(), types: [], errors: {}, message: "", busy: false, filled: false,
    regions: jsonScript("inspection-regions", { counties: [], townships: [] }),
    async init() {
      if (this.regions.counties.length === 1) this.form.county = this.regions.counties[0].code;
      const res = await api("GET", "/api/v1/campaign-types/");
      if (res.ok) this.types = listOf(res.data).filter((t) => t.active !== false);
    },
    /* Fill the form from the campaign (the edit form). */
    fill(obj) {
      this.form = {
        name: obj.name, campaign_type: String(obj.campaign_type.id), starts_on: obj.starts_on, ends_on: obj.ends_on,
        regions: obj.regions.map((r) => r.code), industries: [...obj.industries], target_employers: String(obj.target_employers),
        description: obj.description || "", county: obj.county.code,
      };
      this.errors = {};
      this.message = "";
    },
    townships() { return this.regions.townships.filter((t) => t.county === this.form.county); },
    toggle(list, value) {
      this.form[list] = this.form[list].includes(value) ? this.form[list].filter((v) => v !== value) : [...this.form[list], value];
    },
    body() {
      const f = this.form;
      const body = {
        name: f.name.trim(), campaign_type: f.campaign_type ? Number(f.campaign_type) : null, starts_on: f.starts_on || null, ends_on: f.ends_on || null,
        regions: [...f.regions], industries: f.industries, target_employers: f.target_employers === "" ? 0 : countValue(f.target_employers),
        description: f.description,
      };
      // nothing sent for what is left empty: the API then says it is required
      for (const key of ["campaign_type", "starts_on", "ends_on"]) if (body[key] === null) delete body[key];
      if (!config.id && f.county && this.regions.counties.length > 1) body.county = f.county;
      return body;
    },
    async submit() {
      if (this.busy) return;
      this.busy = true;
      const res = config.id
        ? await api("PATCH", `/api/v1/campaigns/${config.id}/`, this.body())
        : await api("POST", "/api/v1/campaigns/", this.body());
      this.busy = false;
      if (res.ok) {
        if (config.id) { this.$dispatch("campaign-saved", res.data); return; }
        window.location.href = `/inspections/campaigns/${res.data.id}/`;
        return;
      }
      this.errors = errorsByField(res.data);
      this.message = this.errors._ || res.data.message;
      focusInvalid(this.$root);
    },
  }));

  Alpine.data("campaignDetail", (id) => pagedList({
    obj: null, error: "", editing: false, notice: "",
    async init() {
      await this.loadCampaign();
      this.load();
    },
    async loadCampaign() {
      const res = await api("GET", `/api/v1/campaigns/${id}/`);
      if (res.ok) this.obj = res.data;
      else this.error = res.data.message;
    },
    saved(data) {
      this.editing = false;
      this.notice = gettext("已保存。");
      this.loadCampaign();
      return data;
    },
    load() {
      const params = new URLSearchParams();
      params.set("campaign", id);
      return this.fetchPage("/api/v1/visits/", params, new URLSearchParams());
    },
  }));

  /* --- rectification orders ------------------------------------------------------------------ */

  const ORDER_TABS = {
    open: (q) => q.set("status", "open"),
    overdue: (q) => q.set("overdue", "true"),
    unmet: (q) => q.set("status", "unmet"),
    all: () => {},
  };

  Alpine.data("orderList", () => {
    const p = new URLSearchParams(window.location.search);
    return pagedList({
      tab: ORDER_TABS[p.get("tab")] ? p.get("tab") : "open", q: p.get("q") || "",
      employer: p.get("employer") || "",
      init() { this.load(); },
      setTab(tab) { this.tab = tab; this.search(); },
      params() {
        const q = new URLSearchParams();
        ORDER_TABS[this.tab](q);
        if (this.q) q.set("q", this.q);
        if (this.employer) q.set("employer", this.employer);
        return q;
      },
      exportUrl() { return "/api/v1/rectification-orders/export/?" + this.params().toString(); },
      load() {
        const shown = new URLSearchParams();
        shown.set("tab", this.tab);
        if (this.q) shown.set("q", this.q);
        if (this.employer) shown.set("employer", this.employer);
        return this.fetchPage("/api/v1/rectification-orders/", this.params(), shown);
      },
    });
  });

  const ORDER_ACTIONS = () => ({
    issue: gettext("下达责令改正指令书"), follow_up: gettext("复查"), cancel: gettext("撤销"), open_case: gettext("立案查处"),
    escalate: gettext("立案查处"), conclude: gettext("办结"),
  });

  Alpine.data("orderDetail", (id) => Object.assign(caseOpening(), {
    caseUrl: `/api/v1/rectification-orders/${id}/open-case/`, obj: null, error: "", notice: "", current: "", dueLeft: "",
    visits: [], follow: { visit: "", results: {} }, followErrors: {}, followMessage: "", followBusy: false,
    reason: "", cancelErrors: {}, cancelBusy: false,
    async load() {
      const res = await api("GET", `/api/v1/rectification-orders/${id}/`);
      if (!res.ok) { this.error = res.data.message; return; }
      this.obj = res.data;
      // every item has its result slot before the follow-up form is drawn
      const results = {};
      for (const item of this.obj.items) results[item.id] = this.follow.results[item.id] || { met: "", note: "" };
      this.follow.results = results;
      this.dueLeft = this.obj.status === "open" ? await dueWords(this.obj.due_on) : "";
    },
    can(act) { return !!this.obj && (this.obj.allowed_acts || []).includes(act); },
    actionLabel(action) { return ORDER_ACTIONS()[action] || action; },
    eventText(e) {
      const d = e.data || {};
      const parts = [];
      if (d.items !== undefined && d.met !== undefined) parts.push(interpolate(gettext("已整改 %s / %s 项"), [d.met, d.items]));
      else if (d.items !== undefined) parts.push(interpolate(gettext("%s项"), [d.items]));
      if (d.due_on) parts.push(interpolate(gettext("限%s前整改"), [d.due_on]));
      if (d.case) parts.push(interpolate(gettext("案件 %s"), [d.case]));
      return parts.join(gettext("；"));
    },
    openItems() { return this.obj ? this.obj.items.filter((i) => i.met !== true) : []; },
    async open(act) {
      this.current = this.current === act ? "" : act;
      this.opened = null;
      if (act === "follow_up" && this.current) {
        const params = new URLSearchParams({ employer: this.obj.employer.id, date_from: this.obj.served_on, page_size: "50" });
        const res = await api("GET", "/api/v1/visits/?" + params.toString());
        this.visits = res.ok ? listOf(res.data).filter((v) => !this.obj.visit || v.id !== this.obj.visit.id) : [];
        const results = {};
        for (const item of this.obj.items) results[item.id] = { met: "", note: "" };
        this.follow = { visit: this.visits.length ? String(this.visits[0].id) : "", results };
      }
      this.caseKind = "";
      if ((act === "wage" || act === "complaint") && this.current) this.startCase(act);
    },
    async followUp() {
      if (this.followBusy) return;
      const results = Object.entries(this.follow.results)
        .filter(([, r]) => r.met === "true" || r.met === "false")
        .map(([item, r]) => ({ item: Number(item), met: r.met === "true", note: r.note }));
      this.followBusy = true;
      const res = await api("POST", `/api/v1/rectification-orders/${id}/follow-up/`, { visit: this.follow.visit ? Number(this.follow.visit) : null, results });
      this.followBusy = false;
      if (res.ok) {
        this.current = "";
        this.followErrors = {};
        this.followMessage = "";
        this.notice = interpolate(gettext("复查已记录，指令状态：%s。"), [res.data.status_display]);
        await this.load();
        return;
      }
      this.followErrors = errorsByField(res.data);
      this.followMessage = this.followErrors._ || Object.values(this.followErrors)[0] || res.data.message;
      if (res.status === 409) await this.load();
      focusInvalid(this.$root);
    },
    /* The error of an item's result ("results.0.item", "results.0.met"), by the item's id. */
    resultError(itemId) {
      const sent = Object.entries(this.follow.results).filter(([, r]) => r.met === "true" || r.met === "false").map(([item]) => Number(item));
      const index = sent.indexOf(itemId);
      if (index < 0) return "";
      return Object.entries(this.followErrors).filter(([k]) => k.startsWith(`results.${index}.`)).map(([, v]) => v).join(" ");
    },
    async cancel() {
      if (this.cancelBusy) return;
      this.cancelBusy = true;
      const res = await api("POST", `/api/v1/rectification-orders/${id}/cancel/`, { reason: this.reason });
      this.cancelBusy = false;
      if (res.ok) { this.obj = res.data; this.current = ""; this.reason = ""; this.cancelErrors = {}; await this.load(); return; }
      this.cancelErrors = errorsByField(res.data);
      if (!this.cancelErrors.reason) this.cancelErrors.reason = this.cancelErrors._ || res.data.message;
      if (res.status === 409) await this.load();
    },
  }));

  /* --- annual written reviews ---------------------------------------------------------------- */

  Alpine.data("reviewList", (config) => {
    const p = new URLSearchParams(window.location.search);
    return pagedList({
      q: p.get("q") || "", year: p.get("year") || "", result: p.get("result") || "", employer: p.get("employer") || "",
      years: Array.from({ length: 6 }, (_, i) => config.year - i),
      init() { this.load(); },
      params() {
        const q = new URLSearchParams();
        if (this.q) q.set("q", this.q);
        if (this.employer) q.set("employer", this.employer);
        if (this.year) q.set("year", this.year);
        if (this.result) q.set("result", this.result);
        return q;
      },
      exportUrl() { return "/api/v1/annual-reviews/export/?" + this.params().toString(); },
      load() { return this.fetchPage("/api/v1/annual-reviews/", this.params()); },
    });
  });

  Alpine.data("reviewNew", (config) => ({
    form: {
      employer: null, year: String(config.year), submitted_on: config.today, workers: "", contracts_signed: "", insured_workers: "",
      wages_total: "", wages_on_time: true, lowest_monthly_wage: "", note: "", county: config.counties.length === 1 ? config.counties[0].code : "",
    },
    counties: config.counties, errors: {}, message: "", busy: false,
    init() {
      const employer = new URLSearchParams(window.location.search).get("employer");
      if (employer) {
        api("GET", `/api/v1/employers/${employer}/`).then((res) => {
          if (res.ok) this.form.employer = { id: res.data.id, name: res.data.name, credit_code: res.data.credit_code };
        });
      }
    },
    pickEmployer(e) { this.form.employer = e; this.errors = Object.assign({}, this.errors, { employer: "" }); },
    async submit() {
      if (this.busy) return;
      const f = this.form;
      const body = {
        employer: f.employer ? f.employer.id : null, year: countValue(f.year), submitted_on: f.submitted_on || null,
        workers: countValue(f.workers), contracts_signed: countValue(f.contracts_signed), insured_workers: countValue(f.insured_workers),
        wages_total: String(f.wages_total).trim(), wages_on_time: !!f.wages_on_time, note: f.note,
      };
      if (String(f.lowest_monthly_wage).trim()) body.lowest_monthly_wage = String(f.lowest_monthly_wage).trim();
      for (const key of Object.keys(body)) if (body[key] === null || body[key] === "") delete body[key];
      if (this.counties.length > 1 && f.county) body.county = f.county;
      this.busy = true;
      const res = await api("POST", "/api/v1/annual-reviews/", body);
      this.busy = false;
      if (res.ok) { window.location.href = `/inspections/reviews/${res.data.id}/`; return; }
      this.errors = errorsByField(res.data);
      this.message = this.errors._ || res.data.message;
      focusInvalid(this.$root);
    },
  }));

  Alpine.data("reviewDetail", (id) => ({
    obj: null, error: "", notice: "",
    decision: { result: "", opinion: "", on_date: "", order_items: "", deadline_days: "15" }, errors: {}, message: "", busy: false,
    async load() {
      const res = await api("GET", `/api/v1/annual-reviews/${id}/`);
      if (res.ok) this.obj = res.data;
      else this.error = res.data.message;
    },
    can(act) { return !!this.obj && (this.obj.allowed_acts || []).includes(act); },
    async decide() {
      if (this.busy) return;
      const d = this.decision;
      const body = { result: d.result, opinion: d.opinion };
      if (d.on_date) body.on_date = d.on_date;
      if (d.result === "rectify" && linesOf(d.order_items).length) {
        body.order_items = linesOf(d.order_items);
        body.deadline_days = countValue(d.deadline_days);
      }
      this.busy = true;
      const res = await api("POST", `/api/v1/annual-reviews/${id}/decide/`, body);
      this.busy = false;
      if (res.ok) {
        this.obj = res.data;
        this.decision = { result: "", opinion: "", on_date: "", order_items: "", deadline_days: "15" };
        this.errors = {};
        this.message = "";
        this.notice = interpolate(gettext("审查结论：%s。"), [res.data.result_display]);
        return;
      }
      this.errors = errorsByField(res.data);
      for (const key of Object.keys(this.errors)) if (key.startsWith("order_items.")) this.errors.order_items = this.errors[key];
      this.message = this.errors._ || res.data.message;
      if (res.status === 409) await this.load();
      focusInvalid(this.$root);
    },
  }));

  Alpine.data("reviewsMissing", (config) => {
    const p = new URLSearchParams(window.location.search);
    return pagedList({
      year: p.get("year") || String(config.year), county: p.get("county") || (config.counties.length === 1 ? config.counties[0].code : ""),
      counties: config.counties, years: Array.from({ length: 6 }, (_, i) => config.year + 1 - i),
      init() { this.load(); },
      params() {
        const q = new URLSearchParams();
        if (this.year) q.set("year", this.year);
        if (this.county) q.set("county", this.county);
        return q;
      },
      exportUrl() { return "/api/v1/annual-reviews/missing/export/?" + this.params().toString(); },
      load() { return this.fetchPage("/api/v1/annual-reviews/missing/", this.params()); },
    });
  });

  /* --- patrol targets ---------------------------------------------------------------------- */

  Alpine.data("patrolTargets", (config) => ({
    year: new URLSearchParams(window.location.search).get("year") || String(config.year), rows: [], loading: false, error: "",
    years: Array.from({ length: 6 }, (_, i) => config.year + 1 - i),
    target: { county: config.counties.length === 1 ? config.counties[0].code : "", patrols: "" }, errors: {}, message: "", notice: "", busy: false,
    counties: config.counties,
    init() { this.load(); },
    async load() {
      this.loading = true;
      window.history.replaceState(null, "", "?year=" + encodeURIComponent(this.year));
      const res = await api("GET", `/api/v1/patrol-targets/progress/?year=${encodeURIComponent(this.year)}`);
      this.loading = false;
      if (!res.ok) { this.error = res.data.message; this.rows = []; return; }
      this.error = "";
      this.rows = listOf(res.data);
    },
    editRow(row) {
      this.target = { county: row.county.code, patrols: row.target === null || row.target === undefined ? "" : String(row.target) };
      this.errors = {};
      this.$nextTick(() => { const input = this.$root.querySelector("[data-testid=target-patrols]"); if (input) input.focus(); });
    },
    async save() {
      if (this.busy) return;
      const body = { year: countValue(this.year), patrols: countValue(this.target.patrols) };
      if (this.counties.length > 1 && this.target.county) body.county = this.target.county;
      this.busy = true;
      const res = await api("POST", "/api/v1/patrol-targets/", body);
      this.busy = false;
      if (res.ok) {
        this.errors = {};
        this.message = "";
        this.notice = interpolate(gettext("%s年主动巡查目标已设为%s次。"), [res.data.year, res.data.patrols]);
        await this.load();
        return;
      }
      this.errors = errorsByField(res.data);
      this.message = this.errors._ || res.data.message;
    },
  }));

  /* --- an employer's records (employer page) -------------------------------------------------- */

  Alpine.data("employerRecords", (employerId, flags) => ({
    visits: null, orders: null, reviews: null, complaints: null, wageCases: null, counts: {},
    async init() {
      const get = (url) => api("GET", url);
      const none = Promise.resolve(null);
      const [visits, orders, reviews, complaints, wageCases] = await Promise.all([
        flags.inspections ? get(`/api/v1/visits/?employer=${employerId}&page_size=10`) : none,
        flags.inspections ? get(`/api/v1/rectification-orders/?employer=${employerId}&page_size=10`) : none,
        flags.inspections ? get(`/api/v1/annual-reviews/?employer=${employerId}&page_size=10`) : none,
        flags.complaints ? get(`/api/v1/complaints/?employer=${employerId}&page_size=10`) : none,
        flags.wagecases ? get(`/api/v1/wage-cases/?employer=${employerId}&page_size=10`) : none,
      ]);
      const take = (name, res) => {
        if (!res || !res.ok) return null;
        this.counts[name] = res.data.count ?? listOf(res.data).length;
        return listOf(res.data);
      };
      this.visits = take("visits", visits);
      this.orders = take("orders", orders);
      this.reviews = take("reviews", reviews);
      this.complaints = take("complaints", complaints);
      this.wageCases = take("wageCases", wageCases);
    },
  }));
});
