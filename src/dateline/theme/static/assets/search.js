// The search page of one edition: queries the edition's Pagefind bundle in the browser.
// No server code: the bundle is static files below /<lang>/pagefind/, written by `dateline build`.
// Every string shown comes from the page (search-config), in the page's language.

const PAGE_SIZE = 10;
const TYPING_PAUSE_MS = 250;
const FILTERS = ["section", "dateline", "correspondent"];

const root = document.querySelector("[data-search]");
const config = JSON.parse(document.getElementById("search-config").textContent);
const say = config.strings;
const form = root.querySelector(".search-form");
const input = root.querySelector("#search-query");
const status = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const more = root.querySelector(".search-more");
const fieldset = root.querySelector(".search-filters");
const selects = Object.fromEntries(FILTERS.map((name) => [name, root.querySelector(`select[data-filter="${name}"]`)]));

let pagefind = null;
let latest = 0; // the number of the newest search: older answers are dropped
let pending = [];
let typingTimer = 0;

function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ""));
}

function chosenFilters() {
  const chosen = {};
  for (const name of FILTERS) {
    if (selects[name].value) chosen[name] = selects[name].value;
  }
  return chosen;
}

// Excerpts from Pagefind are escaped text with <mark> around matches; rebuild them as text
// nodes and <mark> elements only, so nothing else from an index can become markup.
function excerptNodes(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createDocumentFragment();
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  return out;
}

// The Korean index holds lemmas beside the words, so its excerpt is the article's own summary
// (meta.excerpt), with the words of the query marked here.
function markedText(text, query) {
  const words = query.split(/\s+/).filter(Boolean).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const out = document.createDocumentFragment();
  if (!words.length) {
    out.append(text);
    return out;
  }
  const pattern = new RegExp(`(${words.join("|")})`, "gi");
  text.split(pattern).forEach((part, i) => {
    if (i % 2) {
      const mark = document.createElement("mark");
      mark.textContent = part;
      out.append(mark);
    } else if (part) {
      out.append(part);
    }
  });
  return out;
}

function resultItem(data, query) {
  const item = document.createElement("li");
  const article = document.createElement("article");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.raw_url || data.url;
  link.textContent = data.meta.title || link.href;
  heading.append(link);
  article.append(heading);
  const meta = document.createElement("p");
  meta.className = "search-meta";
  if (data.meta.date) {
    const time = document.createElement("time");
    time.dateTime = data.meta.datetime || "";
    time.textContent = data.meta.date;
    meta.append(time);
  }
  if (data.meta.dateline) {
    const dateline = document.createElement("span");
    dateline.className = "search-dateline";
    dateline.textContent = data.meta.dateline;
    meta.append(dateline);
  }
  article.append(meta);
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  excerpt.append(data.meta.excerpt !== undefined ? markedText(data.meta.excerpt, query) : excerptNodes(data.excerpt || ""));
  article.append(excerpt);
  item.append(article);
  return item;
}

async function showMore(number, query) {
  const batch = pending.splice(0, PAGE_SIZE);
  const items = await Promise.all(batch.map((result) => result.data()));
  if (number !== latest) return;
  for (const data of items) list.append(resultItem(data, query));
  more.hidden = pending.length === 0;
}

function rememberInAddress(query, filters) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, value] of Object.entries(filters)) params.set(name, value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

async function runSearch() {
  const number = ++latest;
  const query = input.value.trim();
  const filters = chosenFilters();
  rememberInAddress(query, filters);
  const filtered = Object.keys(filters).length > 0;
  if (!query && !filtered) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "";
    return;
  }
  if (!pagefind) return; // the search runs once the bundle has loaded
  status.textContent = say.searching;
  let found;
  try {
    found = await pagefind.search(query || null, { filters });
  } catch (error) {
    console.error(error); // an edition with no articles yet has an empty index
    found = { results: [] };
  }
  if (number !== latest || !found) return;
  const count = found.results.length;
  list.replaceChildren();
  pending = found.results.slice();
  if (count === 0) {
    status.textContent = query ? format(say.none, { query }) : say.none_filtered;
    more.hidden = true;
    return;
  }
  await showMore(number, query);
  if (number !== latest) return;
  // Announced once the first results are on the page.
  const message = !query ? say.filtered : count === 1 ? say.result_one : say.results;
  status.textContent = format(message, { count, query });
}

async function fillFilters() {
  let available = {};
  try {
    available = await pagefind.filters();
  } catch (error) {
    console.error(error); // no articles yet: no filters
  }
  let any = false;
  for (const name of FILTERS) {
    const values = Object.keys(available[name] || {}).sort((a, b) => a.localeCompare(b, config.lang));
    const select = selects[name];
    const wanted = new URLSearchParams(location.search).get(name) || "";
    for (const value of values) {
      const option = new Option(`${value} (${available[name][value]})`, value, false, value === wanted);
      select.append(option);
    }
    select.closest("label").hidden = values.length === 0;
    any = any || values.length > 0;
  }
  fieldset.hidden = !any;
}

function resultLinks() {
  return [...list.querySelectorAll("a")];
}

// Arrow keys: from the box to the first result, and between results; Escape goes back to the box.
function onKey(event) {
  const links = resultLinks();
  const at = links.indexOf(document.activeElement);
  if (event.key === "ArrowDown" && (event.target === input || at >= 0) && links.length) {
    event.preventDefault();
    links[Math.min(at + 1, links.length - 1)].focus();
  } else if (event.key === "ArrowUp" && at >= 0) {
    event.preventDefault();
    (at === 0 ? input : links[at - 1]).focus();
  } else if (event.key === "Escape" && at >= 0) {
    input.focus();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typingTimer);
  runSearch();
});
input.addEventListener("input", () => {
  clearTimeout(typingTimer);
  typingTimer = setTimeout(runSearch, TYPING_PAUSE_MS);
});
for (const select of Object.values(selects)) select.addEventListener("change", runSearch);
more.addEventListener("click", () => showMore(latest, input.value.trim()));
root.addEventListener("keydown", onKey);

input.value = new URLSearchParams(location.search).get("q") || "";
status.textContent = say.loading;
try {
  pagefind = await import(config.bundle);
  // Result URLs are stored whole (base path included): nothing is to be prefixed.
  await pagefind.options({ baseUrl: "/" });
  await fillFilters();
  status.textContent = "";
  root.dataset.ready = "true";
  await runSearch();
} catch (error) {
  status.textContent = say.failed;
  console.error(error);
}
