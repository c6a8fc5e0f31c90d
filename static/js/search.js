/*
 * The search of the static export (manage.py export_site), where no server answers.
 *
 * Reads the index the export wrote (clusterspace/offline_search.py) and matches the
 * visitor's words as the live search promises (tests/search/test_search.py): case, umlauts and
 * ß fold both ways ("Foerderer", "Forderer", "Förderer"), parts of words are enough,
 * a German ending is dropped when the whole word is not found, every term must occur,
 * both languages' texts are searched, a person's name finds the projects where the
 * person holds a role. Ranking: the field's weight times how well the term matched.
 *
 * The live site never loads this file: only the exported search page does. Without
 * JavaScript that page says so and links to the lists.
 */
(function () {
  "use strict";

  var MAX_QUERY_LENGTH = 200;
  var MAX_TERMS = 8;
  var MIN_TERM_LENGTH = 2;
  var SNIPPET_LENGTH = 220;
  var ENDINGS = ["ern", "en", "er", "es", "em", "e", "n", "s"];
  var PUNCTUATION = "\"'.,;:!?()[]{}<>\u00ab\u00bb\u201e\u201c\u201d\u201a\u2018\u2019";
  var CONTROL = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;
  var MARKS = /\p{M}/gu;
  var ALNUM = /[\p{L}\p{N}]/u;
  var TERM = /"([^"]*)"|(\S+)/g;

  // -- Normalisation ---------------------------------------------------------------------

  /* Lower case, accents and umlauts on their base letter, ß as "ss". */
  function fold(text) {
    return text.toLowerCase().replace(/ß/g, "ss").normalize("NFD").replace(MARKS, "");
  }

  /* "ae", "oe", "ue" as "a", "o", "u": as an umlaut folds. */
  function squash(folded) {
    return folded.replace(/([aou])e/g, "$1");
  }

  /* fold() with the way back: for each character of the folded text, the span of the
     original text it comes from. */
  function foldMapped(text) {
    var folded = "";
    var spans = [];
    var position = 0;
    for (var character of text) {
      var piece = fold(character);
      for (var i = 0; i < piece.length; i++) {
        spans.push([position, position + character.length]);
      }
      folded += piece;
      position += character.length;
    }
    return { text: folded, spans: spans };
  }

  /* squash() with the way back to the original text's spans. */
  function squashMapped(mapped) {
    var folded = mapped.text;
    var squashed = "";
    var spans = [];
    for (var i = 0; i < folded.length; i++) {
      var character = folded[i];
      var span = mapped.spans[i];
      if ("aou".indexOf(character) >= 0 && folded[i + 1] === "e") {
        span = [span[0], mapped.spans[i + 1][1]]; // the "e" belongs to the letter
        i++;
      }
      squashed += character;
      spans.push(span);
    }
    return { text: squashed, spans: spans };
  }

  function stem(folded) {
    for (var i = 0; i < ENDINGS.length; i++) {
      var ending = ENDINGS[i];
      if (folded.endsWith(ending) && folded.length - ending.length >= 4) {
        return folded.slice(0, -ending.length);
      }
    }
    return "";
  }

  // -- Queries ---------------------------------------------------------------------------

  function stripPunctuation(text) {
    var start = 0;
    var end = text.length;
    while (start < end && PUNCTUATION.indexOf(text[start]) >= 0) start++;
    while (end > start && PUNCTUATION.indexOf(text[end - 1]) >= 0) end--;
    return text.slice(start, end);
  }

  function makeTerm(text) {
    var folded = fold(text);
    var stemmed = stem(folded);
    return {
      text: text,
      folded: folded,
      squashed: squash(folded),
      stem: stemmed,
      stemSquashed: stemmed ? squash(stemmed) : "",
    };
  }

  /* The visitor's query, cleaned as the live search cleans it: at most 200 characters,
     at most eight terms, phrases in quotation marks, one-letter terms dropped. */
  function parseQuery(raw) {
    var text = String(raw || "").replace(CONTROL, " ").split(/\s+/).filter(Boolean).join(" ");
    var cut = false;
    if (text.length > MAX_QUERY_LENGTH) {
      var head = text.slice(0, MAX_QUERY_LENGTH);
      var space = head.lastIndexOf(" ");
      text = space > 0 ? head.slice(0, space) : head;
      cut = true;
    }
    var terms = [];
    var seen = {};
    var tooShort = false;
    var match;
    TERM.lastIndex = 0;
    while ((match = TERM.exec(text)) !== null) {
      var phrase = (match[1] !== undefined ? match[1] : match[2] || "")
        .split(/\s+/)
        .filter(Boolean)
        .join(" ");
      phrase = stripPunctuation(phrase);
      var folded = fold(phrase);
      if (folded.replace(/ /g, "").length < MIN_TERM_LENGTH) {
        tooShort = tooShort || phrase !== "";
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(seen, folded)) {
        seen[folded] = true;
        terms.push(makeTerm(phrase));
      }
    }
    return {
      text: text,
      terms: terms.slice(0, MAX_TERMS),
      cut: cut,
      oneLetter: tooShort && terms.length > 0,
    };
  }

  // -- Matching and scoring --------------------------------------------------------------

  function isWordStart(text, index) {
    return index === 0 || !ALNUM.test(text[index - 1]);
  }

  function isWordEnd(text, index) {
    return index >= text.length || !ALNUM.test(text[index]);
  }

  /* 1.0 for a whole word, 0.8 for the start of a word, 0.6 inside a word, 0 for none. */
  function qualityIn(haystack, needle) {
    var index = haystack.indexOf(needle);
    if (index < 0) return 0;
    var best = 0.6;
    var checked = 0;
    while (index >= 0 && checked < 5) {
      if (isWordStart(haystack, index)) {
        if (isWordEnd(haystack, index + needle.length)) return 1.0;
        best = 0.8;
      }
      index = haystack.indexOf(needle, index + 1);
      checked++;
    }
    return best;
  }

  function matchQuality(field, term) {
    var quality =
      qualityIn(field.folded, term.folded) ||
      qualityIn(field.folded, term.squashed) ||
      qualityIn(field.squashed, term.squashed);
    if (quality) return quality;
    if (term.stem && (field.folded.indexOf(term.stem) >= 0 || field.squashed.indexOf(term.stemSquashed) >= 0)) {
      return 0.4;
    }
    return 0;
  }

  /* Folded and squashed copies of every text, made once when the index arrives. */
  function prepare(index) {
    index.entries.forEach(function (entry, position) {
      entry.position = position;
      entry.fields.forEach(function (field) {
        field.folded = fold(field.t);
        field.squashed = squash(field.folded);
      });
    });
    return index;
  }

  /* The entry's score: 0 unless every term occurs in some field. */
  function score(entry, query, language) {
    var total = 0;
    for (var t = 0; t < query.terms.length; t++) {
      var term = query.terms[t];
      var best = 0;
      for (var f = 0; f < entry.fields.length; f++) {
        var field = entry.fields[f];
        var quality = matchQuality(field, term);
        if (quality) {
          if (field.l && field.l !== language) quality *= 0.9;
          best = Math.max(best, field.w * quality);
        }
      }
      if (!best) return 0;
      total += best;
    }
    // The whole query as typed, inside a title or name: a strong sign.
    if (query.terms.length > 1) {
      var phrase = squash(fold(query.terms.map(function (term) { return term.text; }).join(" ")));
      var inHead = entry.fields.some(function (field) {
        return field.n === entry.head && field.squashed.indexOf(phrase) >= 0;
      });
      if (inHead) total += 5;
    }
    return total;
  }

  /* The matching entries, best first: [{entry, score}]. */
  function search(index, query, language) {
    if (!query.terms.length) return [];
    var kinds = index.kinds;
    var hits = [];
    index.entries.forEach(function (entry) {
      var value = score(entry, query, language);
      if (value) hits.push({ entry: entry, score: value });
    });
    hits.sort(function (a, b) {
      return (
        b.score - a.score ||
        kinds.indexOf(a.entry.kind) - kinds.indexOf(b.entry.kind) ||
        a.entry.position - b.entry.position
      );
    });
    return hits;
  }

  // -- Highlighting and snippets ---------------------------------------------------------

  function spansOf(haystack, needle, mapping, found) {
    if (!needle) return;
    var start = haystack.indexOf(needle);
    while (start >= 0) {
      var end = start + needle.length;
      found.push([mapping[start][0], mapping[end - 1][1]]);
      start = haystack.indexOf(needle, end);
    }
  }

  /* The spans of ``text`` where a term (or, failing that, its stem) occurs, merged. */
  function matchSpans(text, terms) {
    var folded = foldMapped(text);
    var squashed = squashMapped(folded);
    var found = [];
    terms.forEach(function (term) {
      var hits = [];
      spansOf(folded.text, term.folded, folded.spans, hits);
      spansOf(squashed.text, term.squashed, squashed.spans, hits);
      if (!hits.length && term.stem) {
        spansOf(folded.text, term.stem, folded.spans, hits);
        spansOf(squashed.text, term.stemSquashed, squashed.spans, hits);
      }
      found = found.concat(hits);
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    found.forEach(function (span) {
      var end = span[1];
      while (end < text.length && /\p{M}/u.test(text[end])) end++; // a combining mark
      var last = merged[merged.length - 1];
      if (last && span[0] <= last[1]) last[1] = Math.max(last[1], end);
      else merged.push([span[0], end]);
    });
    return merged;
  }

  /* A passage of ``text`` around its first match, cut at word boundaries. */
  function excerpt(text, terms) {
    text = text.split(/\s+/).filter(Boolean).join(" ");
    if (text.length <= SNIPPET_LENGTH) return text;
    var spans = matchSpans(text, terms);
    var first = spans.length ? spans[0][0] : 0;
    var start = Math.max(0, first - Math.floor(SNIPPET_LENGTH / 3));
    if (start) {
      var space = text.indexOf(" ", start);
      start = space >= 0 && space < first ? space + 1 : start;
    }
    var end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (end < text.length) {
      var last = text.lastIndexOf(" ", end);
      end = last > start ? last : end;
    }
    return (start ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }

  /* The text to quote, its language if not the page's, and whether the match is only in
     the other language's text: the first snippet field that matches, preferably in the
     page's language; else the first that has a text. */
  function snippet(entry, query, language) {
    var fallbacks = (entry.fallbacks && entry.fallbacks[language]) || [];
    function pageText(name) {
      var own = null;
      var german = null;
      entry.fields.forEach(function (field) {
        if (field.n !== name) return;
        if (field.l === language) own = field;
        if (field.l === "de") german = field;
      });
      var chosen = own || german;
      if (!chosen) return null;
      return { text: chosen.t, language: fallbacks.indexOf(name) >= 0 ? "de" : "" };
    }
    for (var i = 0; i < entry.snippets.length; i++) {
      var name = entry.snippets[i];
      var shown = pageText(name);
      if (shown && matchSpans(shown.text, query.terms).length) {
        return { text: shown.text, language: shown.language, other: false };
      }
      for (var f = 0; f < entry.fields.length; f++) {
        var field = entry.fields[f];
        if (field.n !== name || field.l === "" || field.l === language) continue;
        var matches = query.terms.some(function (term) { return matchQuality(field, term); });
        if (matches) return { text: field.t, language: field.l, other: true };
      }
    }
    for (var j = 0; j < entry.snippets.length; j++) {
      var text = pageText(entry.snippets[j]);
      if (text && text.text) return { text: text.text, language: text.language, other: false };
    }
    return null;
  }

  /* Results as the page shows them: plain data, for the page and for tests. */
  function results(index, query, language) {
    return search(index, query, language).map(function (hit) {
      var entry = hit.entry;
      var fallbacks = (entry.fallbacks && entry.fallbacks[language]) || [];
      var quoted = snippet(entry, query, language);
      return {
        kind: entry.kind,
        label: index.labels[language][entry.kind],
        url: entry.url[language],
        title: entry.title[language],
        titleLanguage: fallbacks.indexOf(entry.head) >= 0 ? "de" : "",
        details: entry.details[language] || "",
        snippet: quoted ? excerpt(quoted.text, query.terms) : "",
        snippetLanguage: quoted ? quoted.language : "",
        snippetInOtherLanguage: quoted ? quoted.other : false,
        score: Math.round(hit.score * 100) / 100,
      };
    });
  }

  // -- The page --------------------------------------------------------------------------

  function highlighted(document, text, terms) {
    var fragment = document.createDocumentFragment();
    var position = 0;
    matchSpans(text, terms).forEach(function (span) {
      fragment.appendChild(document.createTextNode(text.slice(position, span[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(span[0], span[1]);
      fragment.appendChild(mark);
      position = span[1];
    });
    fragment.appendChild(document.createTextNode(text.slice(position)));
    return fragment;
  }

  function element(document, name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function show(document, box, index, raw, submitted) {
    var texts = box.dataset;
    var language = (document.documentElement.lang || "de").slice(0, 2);
    var query = parseQuery(raw);
    box.textContent = "";
    if (!query.terms.length) {
      if (submitted) box.appendChild(element(document, "p", "", texts.tooShort)).setAttribute("role", "status");
      return;
    }
    var title = document.title.split(" – ");
    title[0] = fill(texts.title, { q: query.text });
    document.title = title.join(" – ");
    if (query.oneLetter) box.appendChild(element(document, "p", "note", texts.oneLetter));

    var found = results(index, query, language);
    var counts = {};
    found.forEach(function (result) { counts[result.kind] = (counts[result.kind] || 0) + 1; });
    var summary = fill(found.length === 1 ? texts.summaryOne : texts.summaryMany, {
      n: String(found.length),
      q: query.text,
    });
    var kinds = index.kinds.filter(function (kind) { return counts[kind]; });
    if (kinds.length > 1) {
      summary += ": " + kinds.map(function (kind) { return index.labels[language][kind] + " " + counts[kind]; }).join(", ");
    }
    var status = element(document, "p", "search-summary", summary);
    status.setAttribute("role", "status");
    box.appendChild(status);

    if (!found.length) {
      box.appendChild(element(document, "p", "", texts.nothing));
      box.appendChild(document.getElementById("offline-search-lists").content.cloneNode(true));
      return;
    }
    var list = element(document, "ol", "plain-list entries search-results");
    found.forEach(function (result) {
      var item = element(document, "li", "search-result search-result--" + result.kind);
      item.appendChild(element(document, "span", "kicker", result.label));
      item.appendChild(document.createTextNode(" "));
      var link = element(document, "a", "search-result__title");
      link.href = result.url;
      if (result.titleLanguage) link.lang = result.titleLanguage;
      link.appendChild(highlighted(document, result.title, query.terms));
      item.appendChild(link);
      if (result.details) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(element(document, "span", "entry__meta", result.details));
      }
      if (result.snippet) {
        var quote = element(document, "p", "search-result__snippet");
        if (result.snippetLanguage) quote.lang = result.snippetLanguage;
        if (result.snippetInOtherLanguage) {
          var note = element(document, "span", "visually-hidden", texts.otherLanguage + " ");
          note.lang = language;
          quote.appendChild(note);
        }
        quote.appendChild(highlighted(document, result.snippet, query.terms));
        item.appendChild(quote);
      }
      list.appendChild(item);
    });
    box.appendChild(list);
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
      .then(function (index) {
        show(document, box, prepare(index), raw, params.has("q"));
      })
      .catch(function () {
        box.textContent = "";
        box.appendChild(element(document, "p", "note", box.dataset.failed));
        box.appendChild(document.getElementById("offline-search-lists").content.cloneNode(true));
      });
  }

  if (typeof module !== "undefined" && module.exports) {
    // For the tests (node): the same matching, without a page.
    module.exports = { fold: fold, squash: squash, parseQuery: parseQuery, prepare: prepare, results: results };
  } else if (typeof document !== "undefined") {
    start(document, window.location);
  }
})();
