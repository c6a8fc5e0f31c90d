/*
 * The static export's search, where no server answers: MiniSearch (vendor/) over the
 * index the export wrote from the search index's entries (search/offline.py). What it
 * promises is docs/search.md's; the live site never loads this file.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./vendor/minisearch-7.2.0.js"));
  } else {
    root.offlineSearch = factory(root.MiniSearch);
  }
})(this, function (MiniSearch) {
  "use strict";

  var FIELDS = ["title_de", "title_en", "names", "text_de", "text_en"];
  var BOOST = { title_de: 10, title_en: 10, names: 5, text_de: 1, text_en: 1 };
  var MAX_QUERY_LENGTH = 200;
  var SNIPPET_LENGTH = 220;

  /* Lower case, accents and umlauts on their base letter, ß as ss, ae/oe/ue as a/o/u:
     the spellings the live search takes for one another, as one form. */
  function normal(term) {
    return term.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")
      .replace(/ß/g, "ss").replace(/([aou])e/g, "$1");
  }

  /* A word is indexed as itself, marked as a word's start, and as each of its endings:
     a term then finds parts of words ("brücken" in "Clusterbrücken"). */
  function indexTerm(term) {
    var word = normal(term);
    var terms = ["^" + word];
    for (var i = 0; i + 3 <= word.length; i++) terms.push(word.slice(i));
    return terms;
  }

  /* Terms of two characters are found at the start of a word, longer ones anywhere. */
  function queryTerm(term) {
    var word = normal(term);
    if (word.length < 2) return null;
    return word.length < 3 ? "^" + word : word;
  }

  function build(index) {
    var engine = new MiniSearch({
      fields: FIELDS,
      storeFields: ["kind", "url", "details"].concat(FIELDS),
      processTerm: indexTerm,
      searchOptions: { processTerm: queryTerm, prefix: true, combineWith: "AND", boost: BOOST },
    });
    engine.addAll(index.entries);
    return engine;
  }

  function excerpt(text) {
    var flat = text.split(/\s+/).join(" ").trim();
    if (flat.length <= SNIPPET_LENGTH) return flat;
    var end = flat.lastIndexOf(" ", SNIPPET_LENGTH);
    return flat.slice(0, end > 0 ? end : SNIPPET_LENGTH) + " …";
  }

  /* The results in the page's language: title and text of that language, the German
     ones where a translation is missing, the other language's text where only it matched. */
  function search(engine, raw, language) {
    var text = raw.split(/\s+/).join(" ").trim().slice(0, MAX_QUERY_LENGTH);
    var words = text.split(" ").filter(Boolean);
    var query = {
      text: text,
      oneLetter: words.some(function (word) { return normal(word).length < 2; }),
      terms: words.filter(function (word) { return normal(word).length >= 2; }),
    };
    var other = language === "de" ? "en" : "de";
    query.results = query.terms.length ? engine.search(query.terms.join(" ")).map(function (hit) {
      var fields = {};
      Object.keys(hit.match).forEach(function (term) {
        hit.match[term].forEach(function (field) { fields[field] = true; });
      });
      var titleLanguage = hit["title_" + language] ? language : "de";
      var textLanguage = hit["text_" + language] ? language : "de";
      var inOther = !fields["text_" + textLanguage] && fields["text_" + other];
      if (inOther) textLanguage = other;
      return {
        kind: hit.kind,
        url: hit.url[language],
        title: hit["title_" + titleLanguage],
        titleLanguage: titleLanguage === language ? "" : titleLanguage,
        snippet: excerpt(hit["text_" + textLanguage] || ""),
        snippetLanguage: textLanguage === language ? "" : textLanguage,
        snippetInOtherLanguage: Boolean(inOther),
        details: hit.details[language] || hit.details.de,
      };
    }) : [];
    return query;
  }

  // -- The page ----------------------------------------------------------------------------

  function element(document, name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return values[name] !== undefined ? values[name] : whole;
    });
  }

  function show(document, box, index, raw, submitted) {
    var texts = box.dataset;
    var language = (document.documentElement.lang || "de").slice(0, 2);
    var query = search(build(index), raw, language);
    box.textContent = "";
    if (!query.terms.length) {
      if (submitted) box.appendChild(element(document, "p", "", texts.tooShort)).setAttribute("role", "status");
      return;
    }
    document.title = fill(texts.title, { q: query.text }) + " – " + document.title.split(" – ").slice(1).join(" – ");
    if (query.oneLetter) box.appendChild(element(document, "p", "note", texts.oneLetter));
    var found = query.results;
    var counts = {};
    found.forEach(function (result) { counts[result.kind] = (counts[result.kind] || 0) + 1; });
    var summary = fill(found.length === 1 ? texts.summaryOne : texts.summaryMany, { n: String(found.length), q: query.text });
    var kinds = index.kinds.filter(function (kind) { return counts[kind]; });
    if (kinds.length > 1) {
      summary += ": " + kinds.map(function (kind) { return index.labels[language][kind] + " " + counts[kind]; }).join(", ");
    }
    box.appendChild(element(document, "p", "search-summary", summary)).setAttribute("role", "status");
    if (!found.length) {
      box.appendChild(element(document, "p", "", texts.nothing));
      box.appendChild(document.getElementById("offline-search-lists").content.cloneNode(true));
      return;
    }
    var list = box.appendChild(element(document, "ol", "plain-list entries search-results"));
    found.forEach(function (result) {
      var item = list.appendChild(element(document, "li", "search-result search-result--" + result.kind));
      item.appendChild(element(document, "span", "kicker", index.labels[language][result.kind]));
      item.appendChild(document.createTextNode(" "));
      var link = item.appendChild(element(document, "a", "search-result__title", result.title));
      link.href = result.url;
      if (result.titleLanguage) link.lang = result.titleLanguage;
      if (result.details) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(element(document, "span", "entry__meta", result.details));
      }
      if (result.snippet) {
        var quote = item.appendChild(element(document, "p", "search-result__snippet"));
        if (result.snippetLanguage) quote.lang = result.snippetLanguage;
        if (result.snippetInOtherLanguage) {
          quote.appendChild(element(document, "span", "visually-hidden", texts.otherLanguage + " ")).lang = language;
        }
        quote.appendChild(document.createTextNode(result.snippet));
      }
    });
  }

  function start(document, location) {
    var box = document.getElementById("offline-search");
    if (!box) return;
    var params = new URLSearchParams(location.search);
    var raw = params.get("q") || "";
    var input = document.getElementById("search-q");
    if (input) input.value = raw;
    box.setAttribute("aria-live", "polite");
    fetch(box.dataset.index)
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (index) { show(document, box, index, raw, params.has("q")); })
      .catch(function () {
        box.textContent = "";
        box.appendChild(element(document, "p", "note", box.dataset.failed));
        box.appendChild(document.getElementById("offline-search-lists").content.cloneNode(true));
      });
  }

  if (typeof document !== "undefined" && typeof module === "undefined") start(document, window.location);
  // For the tests (node): the same search, without a page.
  return { build: build, search: search };
});
