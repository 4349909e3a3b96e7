/* Staff UI: small Alpine.js components over the REST API (/api/v1/). No build step.
 * Text goes through Django's JavaScript catalog (gettext / interpolate), Chinese by default. */
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/* Call the API; resolves to {ok, status, data}. Errors come in the API's one format:
 * {code, message, errors: [{field, code, message}]}. */
async function api(method, url, body) {
  const options = {
    method,
    headers: {
      Accept: "application/json",
      "Accept-Language": document.documentElement.lang || "zh-CN",
      "X-CSRFToken": csrfToken(),
    },
    credentials: "same-origin",
  };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (e) {
    return { ok: false, status: 0, data: { code: "network", message: gettext("网络连接失败，请稍后重试。"), errors: [] } };
  }
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = { code: "server_error", message: gettext("服务器出错，请稍后重试。"), errors: [] };
  }
  if (response.status === 401 || response.status === 403) {
    if (data && (data.code === "not_authenticated" || data.code === "authentication_failed")) {
      window.location.href = "/login/?next=" + encodeURIComponent(window.location.pathname);
    }
  }
  return { ok: response.ok, status: response.status, data };
}

/* Times as the bureau reads them: Beijing time, whatever the browser's zone. */
function formatDateTime(value) {
  if (!value) return "—";
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  }).formatToParts(new Date(value));
  const get = (type) => (parts.find((p) => p.type === type) || {}).value;
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour") === "24" ? "00" : get("hour")}:${get("minute")}`;
}

/* Drafts belong to the signed-in user (window PCs are shared) and go at logout. */
function draftKey(name) {
  const meta = document.querySelector('meta[name="user-id"]');
  return `draft:${meta ? meta.content : ""}:${name}`;
}

function clearDrafts() {
  for (let i = window.localStorage.length - 1; i >= 0; i--) {
    const key = window.localStorage.key(i);
    if (key && key.startsWith("draft:")) window.localStorage.removeItem(key);
  }
}

/* Client-side checks for instant feedback; the server is the authority. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

function checkIdNumber(raw) {
  const v = raw.replace(/\s+/g, "").toUpperCase();
  if (!v) return { error: "" };
  if (v.length !== 18 || !/^\d{17}[\dX]$/.test(v)) return { error: gettext("身份证号码应为18位，前17位为数字，最后一位为数字或X。") };
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(v[i]), 0);
  if ("10X98765432"[sum % 11] !== v[17]) return { error: gettext("身份证号码校验位错误，请核对。") };
  const birth = `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`;
  const sex = Number(v[16]) % 2 === 1 ? gettext("男") : gettext("女");
  return { error: "", value: v, derived: interpolate(gettext("出生日期 %s，%s"), [birth, sex]) };
}

function checkCreditCode(raw) {
  const v = raw.replace(/\s+/g, "").toUpperCase();
  if (!v) return { error: "" };
  if (v.length !== 18) return { error: gettext("统一社会信用代码应为18位。") };
  for (const c of v) if (!USCC_ALPHABET.includes(c)) return { error: gettext("统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）。") };
  const sum = USCC_WEIGHTS.reduce((acc, w, i) => acc + w * USCC_ALPHABET.indexOf(v[i]), 0);
  if (USCC_ALPHABET[(31 - (sum % 31)) % 31] !== v[17]) return { error: gettext("统一社会信用代码校验位错误，请核对。") };
  return { error: "", value: v };
}

function errorsByField(data) {
  const errors = {};
  for (const e of (data && data.errors) || []) {
    const key = e.field || "_";
    if (!errors[key]) errors[key] = e.message;
  }
  return errors;
}

/* What every paged list shares: rows, count, pages, the page number in the address bar.
 * `extra` brings the list's own filters and a load() that calls fetchPage(url, params). */
function pagedList(extra) {
  return Object.assign(
    {
      page: Number(new URLSearchParams(window.location.search).get("page") || 1),
      rows: [],
      count: null,
      pages: 1,
      loading: false,
      error: "",
      search() {
        this.page = 1;
        this.load();
      },
      go(page) {
        this.page = page;
        this.load();
      },
      /* GET url?params (plus the page); `shown` is what the address bar keeps, if not params. */
      async fetchPage(url, params, shown) {
        this.loading = true;
        if (this.page > 1) params.set("page", this.page);
        const visible = new URLSearchParams(shown || params);
        if (this.page > 1) visible.set("page", this.page);
        window.history.replaceState(null, "", "?" + visible.toString());
        const res = await api("GET", url + "?" + params.toString());
        this.loading = false;
        if (!res.ok) {
          this.error = res.data.message;
          this.rows = [];
          this.count = null;
          return res;
        }
        this.error = "";
        this.rows = res.data.results;
        this.count = res.data.count;
        this.pages = Math.max(1, Math.ceil(res.data.count / (Number(params.get("page_size")) || 25)));
        return res;
      },
    },
    extra,
  );
}

document.addEventListener("alpine:init", () => {
  /* A list with one search box, paging, and the query kept in the address bar. */
  Alpine.data("searchList", (url) =>
    pagedList({
      q: new URLSearchParams(window.location.search).get("q") || "",
      init() {
        this.load();
      },
      load() {
        const params = new URLSearchParams();
        if (this.q) params.set("q", this.q);
        return this.fetchPage(url, params);
      },
    }),
  );

  /* A form posted as JSON; field errors shown under their fields; a draft kept in the browser
   * so a half-typed form survives a reload or a lost session. */
  Alpine.data("apiForm", (config) => ({
    form: Object.assign({}, config.initial),
    errors: {},
    message: "",
    derived: "",
    busy: false,
    restored: false,
    loaded: null,
    async init() {
      if (config.load) await this.load();
      const key = draftKey(config.draft);
      // A draft is worth keeping once something differs from the blank form (the region the
      // picker fills in by itself does not count).
      const dirty = (f) => Object.entries(f).some(([k, v]) => k !== "region" && v !== (config.initial[k] ?? ""));
      const saved = config.draft && window.localStorage.getItem(key);
      if (saved) {
        try {
          Object.assign(this.form, JSON.parse(saved));
          this.restored = dirty(this.form);
        } catch (e) {
          window.localStorage.removeItem(key);
        }
      }
      if (config.draft) {
        this.$watch(
          "form",
          (value) => (dirty(value) ? window.localStorage.setItem(key, JSON.stringify(value)) : window.localStorage.removeItem(key)),
          { deep: true },
        );
      }
    },
    /* Edit: fill the form from the record (and its unmasked identity when allowed). */
    async load() {
      const res = await api("GET", config.load);
      if (!res.ok) {
        this.message = res.data.message;
        return;
      }
      let data = res.data;
      if (config.loadIdentity) {
        const identity = await api("GET", config.loadIdentity);
        data = Object.assign({}, data, identity.ok ? identity.data : { id_number: "", phone: "" });
      }
      for (const key of config.masked || []) data[key] = ""; // masked values are not editable
      for (const key of Object.keys(config.initial)) {
        let value = data[key];
        if (value && typeof value === "object" && "code" in value) value = value.code;
        this.form[key] = value === null || value === undefined ? config.initial[key] : value;
      }
      this.loaded = Object.assign({}, this.form);
      this.$dispatch("form-loaded");
    },
    check(name, kind) {
      const result = kind === "id_number" ? checkIdNumber(this.form[name] || "") : checkCreditCode(this.form[name] || "");
      this.errors = Object.assign({}, this.errors, { [name]: result.error });
      if (result.value) this.form[name] = result.value;
      if (kind === "id_number") this.derived = result.derived || "";
    },
    payload() {
      const body = {};
      for (const [k, v] of Object.entries(this.form)) {
        if (this.loaded && this.loaded[k] === v) continue; // editing: send what changed only
        if (k === "employee_count") {
          if (v !== "" && v !== null) body[k] = /^\d+$/.test(String(v)) ? Number(v) : v;
          else body[k] = null;
        } else if (k === "region" && !v) {
          continue;
        } else {
          body[k] = v;
        }
      }
      return body;
    },
    discard() {
      // Keep the same object: the region picker writes into it.
      Object.assign(this.form, config.initial);
      this.$dispatch("form-reset");
      this.errors = {};
      this.message = "";
      this.derived = "";
      this.restored = false;
      if (config.draft) window.localStorage.removeItem(draftKey(config.draft));
    },
    async submit() {
      this.busy = true;
      const res = await api(config.method, config.url, this.payload());
      this.busy = false;
      if (res.ok) {
        if (config.draft) window.localStorage.removeItem(draftKey(config.draft));
        let next = config.next.replace("{id}", res.data.id);
        if (res.status === 200 && config.method === "POST") next += "?linked=1";
        window.location.href = next;
        return;
      }
      this.errors = errorsByField(res.data);
      this.message = this.errors._ || res.data.message;
      const first = this.$root.querySelector("[aria-invalid='true']");
      this.$nextTick(() => {
        const invalid = this.$root.querySelector("[aria-invalid='true']") || first;
        if (invalid) invalid.focus();
      });
    },
  }));

  /* County > township > community, loaded from /api/v1/regions/ (already scoped). */
  Alpine.data("regionPicker", (form, field) => ({
    counties: [],
    townships: [],
    villages: [],
    county: "",
    township: "",
    village: "",
    async init() {
      const res = await api("GET", "/api/v1/regions/?level=3&page_size=200");
      if (!res.ok) return;
      this.counties = res.data.results;
      await this.sync();
    },
    /* Show the form's current region (a restored draft, or the record being edited). */
    async sync() {
      const chosen = form[field] || "";
      if (!chosen) {
        await this.reset();
        return;
      }
      if (!this.counties.some((r) => r.code === chosen.slice(0, 6))) return; // outside the user's counties: leave it
      this.county = chosen.slice(0, 6);
      this.townships = await this.children(this.county);
      this.township = chosen.length >= 9 ? chosen.slice(0, 9) : "";
      this.villages = this.township ? await this.children(this.township) : [];
      this.village = chosen.length >= 12 ? chosen : "";
    },
    async reset() {
      this.township = "";
      this.village = "";
      this.townships = [];
      this.villages = [];
      if (this.counties.length === 1) {
        this.county = this.counties[0].code;
        await this.pickCounty();
      } else {
        this.county = "";
        form[field] = "";
      }
    },
    async children(code) {
      if (!code) return [];
      const res = await api("GET", "/api/v1/regions/?page_size=200&parent=" + encodeURIComponent(code));
      return res.ok ? res.data.results : [];
    },
    async pickCounty() {
      this.township = "";
      this.village = "";
      this.villages = [];
      form[field] = this.county;
      this.townships = await this.children(this.county);
    },
    async pickTownship() {
      this.village = "";
      form[field] = this.township || this.county;
      this.villages = await this.children(this.township);
    },
    pickVillage() {
      form[field] = this.village || this.township || this.county;
    },
  }));

  /* One object from the API; workers can be revealed (recorded on the server). */
  Alpine.data("detail", (url, linkedMessage) => ({
    obj: null,
    identity: null,
    error: "",
    notice: "",
    async load() {
      const res = await api("GET", url);
      if (res.ok) this.obj = res.data;
      else this.error = res.data.message;
      if (linkedMessage && new URLSearchParams(window.location.search).get("linked")) {
        this.notice = linkedMessage;
      }
    },
    async reveal() {
      const res = await api("GET", url + "identity/");
      if (res.ok) this.identity = res.data;
      else this.error = res.data.message;
    },
  }));

  /* Head's home page figures: counts of the lists he can see. */
  Alpine.data("overview", () => ({
    employers: null,
    workers: null,
    async load() {
      const [e, w] = await Promise.all([
        api("GET", "/api/v1/employers/?page_size=1"),
        api("GET", "/api/v1/workers/?page_size=1"),
      ]);
      if (e.ok) this.employers = e.data.count;
      if (w.ok) this.workers = w.data.count;
    },
  }));
});

/* "/" focuses the page's search box, as in most staff tools. */
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = (document.activeElement && document.activeElement.tagName) || "";
  if (["INPUT", "TEXTAREA", "SELECT"].includes(tag)) return;
  const box = document.querySelector("input[type=search]");
  if (box) {
    event.preventDefault();
    box.focus();
  }
});
