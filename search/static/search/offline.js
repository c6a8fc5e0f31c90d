/* The static export's search, where no server answers: MiniSearch (vendor/) over the
   search index's entries (search/offline.py), keeping docs/search.md's promises. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./vendor/minisearch-7.2.0.js"));
  } else {
    factory(root.MiniSearch).start(document, window.location);
  }
})(this, (MiniSearch) => {
  "use strict";

  const BOOST = { title_de: 10, title_en: 10, names: 5, text_de: 1, text_en: 1 };

  /* One form for the spellings the live search takes for one another. */
  const normal = (term) => term.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")
    .replace(/ß/g, "ss").replace(/([aou])e/g, "$1");

  /* A word is indexed as a word's start and as each of its endings, for parts of words;
     a term of two characters is looked for at a word's start only. */
  const indexTerms = (term) => {
    const word = normal(term);
    return ["^" + word, ...Array.from({ length: Math.max(word.length - 2, 0) }, (_, i) => word.slice(i))];
  };
  const queryTerm = (term) => {
    const word = normal(term);
    return word.length < 2 ? null : word.length < 3 ? "^" + word : word;
  };

  function build(index) {
    const engine = new MiniSearch({
      fields: Object.keys(BOOST),
      storeFields: ["kind", "url", "details", ...Object.keys(BOOST)],
      processTerm: indexTerms,
      searchOptions: { processTerm: queryTerm, prefix: true, combineWith: "AND", boost: BOOST },
    });
    engine.addAll(index.entries);
    return engine;
  }

  const excerpt = (text) => {
    const flat = text.split(/\s+/).join(" ").trim();
    return flat.length <= 220 ? flat : flat.slice(0, flat.lastIndexOf(" ", 220)) + " …";
  };

  /* The query and its results in the page's language: the German title or text where a
     translation is missing, the other language's text where only it matched. */
  function search(engine, raw, language) {
    const text = raw.split(/\s+/).join(" ").trim().slice(0, 200);
    const words = text.split(" ").filter(Boolean);
    const terms = words.filter((word) => normal(word).length >= 2);
    const other = language === "de" ? "en" : "de";
    const results = (terms.length ? engine.search(terms.join(" ")) : []).map((hit) => {
      const matched = new Set(Object.values(hit.match).flat());
      const titleLanguage = hit["title_" + language] ? language : "de";
      let textLanguage = hit["text_" + language] ? language : "de";
      const inOther = !matched.has("text_" + textLanguage) && matched.has("text_" + other);
      if (inOther) textLanguage = other;
      return {
        kind: hit.kind,
        url: hit.url[language],
        title: hit["title_" + titleLanguage],
        titleLanguage: titleLanguage === language ? "" : titleLanguage,
        snippet: excerpt(hit["text_" + textLanguage] || ""),
        snippetLanguage: textLanguage === language ? "" : textLanguage,
        snippetInOtherLanguage: inOther,
        details: hit.details[language] || hit.details.de,
      };
    });
    return { text, terms, results, oneLetter: terms.length < words.length };
  }

  /* The page: the results into templates of templates/includes/_offline_search.html. */
  function show(document, box, index, raw, submitted) {
    const texts = box.dataset;
    const language = document.documentElement.lang.slice(0, 2);
    const query = search(build(index), raw, language);
    const add = (name, text, className) => {
      const node = box.appendChild(document.createElement(name));
      node.textContent = text;
      node.className = className || "";
      return node;
    };
    box.textContent = "";
    if (!query.terms.length) {
      if (submitted) add("p", texts.tooShort).setAttribute("role", "status");
      return;
    }
    document.title = texts.title.replace("{q}", query.text) + document.title.slice(document.title.indexOf(" – "));
    if (query.oneLetter) add("p", texts.oneLetter, "note");
    const counts = {};
    query.results.forEach((result) => { counts[result.kind] = (counts[result.kind] || 0) + 1; });
    const kinds = index.kinds.filter((kind) => counts[kind]);
    const summary = (query.results.length === 1 ? texts.summaryOne : texts.summaryMany)
      .replace("{n}", query.results.length).replace("{q}", query.text)
      + (kinds.length > 1 ? ": " + kinds.map((kind) => `${index.labels[language][kind]} ${counts[kind]}`).join(", ") : "");
    add("p", summary, "search-summary").setAttribute("role", "status");
    if (!query.results.length) {
      add("p", texts.nothing);
      box.appendChild(document.getElementById("offline-search-lists").content.cloneNode(true));
      return;
    }
    const list = add("ol", "", "plain-list entries search-results");
    const template = document.getElementById("offline-search-result").content.firstElementChild;
    for (const result of query.results) {
      const item = list.appendChild(template.cloneNode(true));
      item.classList.add("search-result--" + result.kind);
      item.querySelector(".kicker").textContent = index.labels[language][result.kind];
      const link = item.querySelector("a");
      Object.assign(link, { href: result.url, textContent: result.title });
      if (result.titleLanguage) link.lang = result.titleLanguage;
      item.querySelector(".entry__meta").textContent = result.details;
      if (!result.details) item.querySelector(".entry__meta").remove();
      const quote = item.querySelector("p");
      if (result.snippetLanguage) quote.lang = result.snippetLanguage;
      quote.append(result.snippet);
      if (!result.snippetInOtherLanguage) quote.firstElementChild.remove();
      if (!result.snippet) quote.remove();
    }
  }

  function start(document, location) {
    const box = document.getElementById("offline-search");
    const params = new URLSearchParams(location.search);
    document.getElementById("search-q").value = params.get("q") || "";
    fetch(box.dataset.index)
      .then((response) => {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then((index) => show(document, box, index, params.get("q") || "", params.has("q")))
      .catch(() => {
        box.textContent = "";
        box.appendChild(document.createElement("p")).textContent = box.dataset.failed;
        box.appendChild(document.getElementById("offline-search-lists").content.cloneNode(true));
      });
  }

  return { build, search, start };
});
