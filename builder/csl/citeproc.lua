-- Dossier's CSL worker, run as `pandoc lua citeproc.lua`.
-- Reads one JSON request per line on stdin and writes one JSON response per line, so a
-- single pandoc process serves a whole build (starting pandoc costs more than formatting).
--
-- {"convert": BIBLATEX_TEXT, "lang": TAG}
--                             ->  {"items": [CSL-JSON items]}
-- {"clusters": [MARKDOWN, ...], "references": [CSL-JSON], "style": PATH, "lang": TAG,
--  "nocite": bool, "link_citations": bool, "link_bibliography": bool, "biblatex": TEXT,
--  "references_apart": bool}
--                             ->  {"citations": [HTML, ...], "bibliography": [{"id", "html"}]}
-- the same with "notes": [PLACE, ...] (a note style; see format_notes)
--                             ->  {"citations": [...], "notes": [HTML or "", ...], "bibliography": [...]}
-- Any failure                 ->  {"error": MESSAGE}

local json = pandoc.json

local function html(blocks)
  return pandoc.write(pandoc.Pandoc(blocks), "html", {wrap_text = "none"})
end

-- Pandoc's BibTeX reader takes its locale from $LANG: with an English locale it turns
-- titles of entries without `langid` into sentence case, as `pandoc --citeproc` does for
-- a document whose `lang` is English; other languages keep the titles as written.
-- A CSL-JSON array (text starting with '[') is read as pandoc reads a .json bibliography:
-- the build asks so whether pandoc accepts the items it gives the formatter as they are.
local function convert(request)
  local format = request.convert:match("^%s*%[") and "csljson" or "biblatex"
  local read = function() return pandoc.read(request.convert, format) end
  local doc = pandoc.system.with_environment({LANG = request.lang or "en-US"}, read)
  return {items = json.decode(pandoc.write(doc, "csljson"), false)}
end

-- Reading CSL-JSON, citeproc takes "Key: value" lines of a `note` as extra fields (the
-- citeproc-js convention for Zotero's Extra), so a BibTeX note such as "Publisher: X"
-- would set the publisher. Pandoc reading the .bib itself never does that, so notes
-- are kept out of the CSL-JSON reader and put back as plain text.
local function read_references(items)
  local notes = {}
  for _, item in ipairs(items) do
    if item.note then
      notes[item.id] = item.note
      item.note = nil
    end
  end
  local references = pandoc.read(json.encode(items), "csljson").meta.references
  for _, reference in ipairs(references) do
    local note = notes[pandoc.utils.stringify(reference.id)]
    if note then reference.note = pandoc.MetaInlines(pandoc.Inlines(note)) end
  end
  return references
end

-- Writing costs about as much as formatting when each piece is written on its own, so all
-- pieces are written in one document, split at a separator the request chose (so no text
-- can forge it). Footnotes would be gathered at the end of a joint document: a request
-- whose pieces hold any is written piece by piece.
local function write_all(pieces, separator)
  local has_note = false
  local blocks = pandoc.Blocks({})
  for index, piece in ipairs(pieces) do
    pandoc.Blocks(piece):walk({Note = function() has_note = true end})
    if index > 1 and separator then blocks:insert(pandoc.RawBlock("html", separator)) end
    blocks:extend(piece)
  end
  if separator and not has_note then
    local written, parts, from = html(blocks), {}, 1
    local marker = "\n" .. separator .. "\n"
    while true do
      local at, stop = written:find(marker, from, true)
      if not at then break end
      table.insert(parts, written:sub(from, at - 1))
      from = stop + 1
    end
    table.insert(parts, written:sub(from))
    if #pieces == 0 then return {} end
    if #parts == #pieces then return parts end
  end
  local parts = {}
  for _, piece in ipairs(pieces) do table.insert(parts, html(piece)) end
  return parts
end

-- The metadata citeproc reads, from the request alone: a YAML block in the clusters could name
-- files for citeproc to read (`bibliography`, `citation-abbreviations`, another `csl`), so the
-- clusters' own is dropped. nocite lists every reference (those a document's `nocite:` lists are
-- the references given besides those it cites, in the order pandoc lists uncited ones in);
-- link_citations and link_bibliography are true unless the request says false.
-- The references: the entries of the .bib files as pandoc reads a .bib file it is given with
-- --bibliography (request.biblatex: their BibLaTeX text, written to a file pandoc reads with the
-- document's language), so that what CSL-JSON cannot say survives (a {Protected} word, a name
-- {de la Cruz} whose particle is part of it, which a round trip through metadata would split);
-- CSL-JSON (metadata references) for the others.
local function bib_ids(request)
  local ids = {}
  if not request.biblatex or request.biblatex == "" then return ids end
  local read = function() return pandoc.read(request.biblatex, "biblatex") end
  local from_bib = pandoc.system.with_environment({LANG = request.lang or "en-US"}, read).meta.references or {}
  for _, reference in ipairs(from_bib) do ids[pandoc.utils.stringify(reference.id)] = true end
  return ids
end

-- A request whose references hold none of its .bib entries says so (references_apart): reading the
-- BibLaTeX here only to leave them out would cost as much as citeproc reading it again.
local function set_metadata(doc, request)
  local ids = request.references_apart and {} or bib_ids(request)
  local references = {}
  for _, reference in ipairs(read_references(request.references)) do
    if not ids[pandoc.utils.stringify(reference.id)] then table.insert(references, reference) end
  end
  doc.meta.references = references
  doc.meta.csl = request.style
  doc.meta.lang = request.lang
  doc.meta["link-citations"] = request.link_citations ~= false
  doc.meta["link-bibliography"] = request.link_bibliography ~= false
  if request.nocite then
    doc.meta.nocite = pandoc.MetaInlines({pandoc.Cite({pandoc.Str("@*")},
      {pandoc.Citation("*", "NormalCitation")})})
  end
end

-- pandoc's citeproc on doc, with the request's metadata and its .bib entries in a file of their own.
local function citeproc(doc, request)
  set_metadata(doc, request)
  if not request.biblatex or request.biblatex == "" then return pandoc.utils.citeproc(doc) end
  return pandoc.system.with_temporary_directory("dossier-bib", function(dir)
    local path = pandoc.path.join({dir, "entries.bib"})
    local file = assert(io.open(path, "wb"))
    file:write(request.biblatex)
    file:close()
    doc.meta.bibliography = pandoc.MetaList({pandoc.MetaString(path)})
    return pandoc.utils.citeproc(doc)
  end)
end

-- An entry of pandoc's #refs div: its key, and its blocks with paragraphs as plain text.
local function entry_of(entry)
  local blocks = entry.content:map(function(b)
    if b.t == "Para" then return pandoc.Plain(b.content) end
    return b
  end)
  return (entry.identifier:gsub("^ref%-", "")), blocks
end

local function format(request)
  local doc = pandoc.Pandoc(pandoc.read(table.concat(request.clusters, "\n\n"), "markdown").blocks)
  local out = citeproc(doc, request)
  local pieces, ids, kinds = {}, {}, {}
  for _, block in ipairs(out.blocks) do
    if block.t == "Div" and block.identifier == "refs" then
      for _, entry in ipairs(block.content) do
        local id, blocks = entry_of(entry)
        table.insert(pieces, blocks)
        table.insert(kinds, "entry")
        table.insert(ids, id)
      end
    elseif block.t == "Para" or block.t == "Plain" then
      table.insert(pieces, {pandoc.Plain(block.content)})
      table.insert(kinds, "citation")
      table.insert(ids, false)
    end
  end
  local citations, bibliography = {}, {}
  for index, written in ipairs(write_all(pieces, request.separator)) do
    if kinds[index] == "entry" then
      table.insert(bibliography, {id = ids[index], html = written})
    else
      table.insert(citations, written)
    end
  end
  return {citations = citations, bibliography = bibliography}
end

-- A note style: pandoc turns a citation in the text into a footnote, and formats one inside a
-- footnote of the author's in place (in parentheses), numbering citation notes and the
-- author's together. The request places each cluster as the page has it: notes[i] is
-- {"text": n} for a cluster in the text after the author's n-th note was referenced, or
-- {"in": n, "note": MARKDOWN} for one inside the author's note n (its paragraphs, so that
-- pandoc reads the citation where it stands in them). The document handed to citeproc has
-- the author's notes in their places (those without citations as placeholders), so note
-- numbers, "ibid." and short forms come out as pandoc gives them for the page.
local function cites_in(blocks)
  local found = {}
  pandoc.Blocks(blocks):walk({Cite = function(cite) table.insert(found, cite) end})
  return found
end

local function cite_keys(cite)
  local keys = {}
  for _, citation in ipairs(cite.citations) do table.insert(keys, citation.id) end
  return table.concat(keys, "\0")
end

local function inline_html(inlines)
  return html({pandoc.Plain(inlines)})
end

local function format_notes(request)
  local blocks, plan, placeholder = pandoc.Blocks({}), {}, 0
  local function note_paragraph(content)
    return pandoc.Para({pandoc.Str("x"), pandoc.Note(content)})
  end
  local function placeholders_up_to(n)
    while placeholder < n do
      placeholder = placeholder + 1
      blocks:insert(note_paragraph({pandoc.Para({pandoc.Str("x")})}))
    end
  end
  local index = 1
  local apart = {}
  while index <= #request.clusters do
    local place = request.notes[index]
    if place.apart then
      table.insert(apart, index)
      index = index + 1
    elseif place["in"] then
      local n = place["in"]
      placeholders_up_to(n - 1)
      local members = {}
      while index <= #request.clusters and request.notes[index]["in"] == n do
        table.insert(members, index)
        index = index + 1
      end
      local body = pandoc.read(place.note, "markdown").blocks
      blocks:insert(note_paragraph(body))
      placeholder = math.max(placeholder, n)
      table.insert(plan, {kind = "note", members = members, at = #blocks})
    else
      placeholders_up_to(place.text)
      local read = pandoc.read(request.clusters[index], "markdown").blocks
      blocks:insert(pandoc.Para(read[1] and read[1].content or {}))
      table.insert(plan, {kind = "text", members = {index}, at = #blocks})
      index = index + 1
    end
  end
  -- Clusters the page shows apart from the text: each last, in a note of its own, so that they
  -- change no number and no position of those before, and read as a note's first citation.
  for _, member in ipairs(apart) do
    local read = pandoc.read(request.clusters[member], "markdown").blocks
    blocks:insert(note_paragraph({pandoc.Para(read[1] and read[1].content or {})}))
    table.insert(plan, {kind = "note", members = {member}, at = #blocks})
  end
  local doc = pandoc.Pandoc(blocks)
  local out = citeproc(doc, request)
  local citations, notes = {}, {}
  for i = 1, #request.clusters do citations[i], notes[i] = "", "" end
  local position = 0
  local bibliography = {}
  for _, block in ipairs(out.blocks) do
    if block.t == "Div" and block.identifier == "refs" then
      for _, entry in ipairs(block.content) do
        local id, blocks = entry_of(entry)
        table.insert(bibliography, {id = id, html = html(blocks)})
      end
    else
      position = position + 1
      for _, step in ipairs(plan) do
        if step.at == position then
          if step.kind == "text" then
            local cite = cites_in({block})[1]
            if cite then
              local text, note = pandoc.Inlines({}), nil
              for _, inline in ipairs(cite.content) do
                if inline.t == "Note" then note = inline else text:insert(inline) end
              end
              local shown = pandoc.Cite(text, cite.citations)
              citations[step.members[1]] = inline_html({shown})
              if note then
                local inlines = pandoc.Inlines({})
                for k, b in ipairs(note.content) do
                  if k > 1 then inlines:insert(pandoc.Space()) end
                  if b.content then inlines:extend(b.content) end
                end
                notes[step.members[1]] = inline_html(inlines)
              end
            end
          else
            -- The author's note: its citations, in order, matched to the clusters by their keys
            -- (a cross-reference such as @fig-x is a "citation" to pandoc, and is skipped).
            local found = cites_in({block})
            local next_cite = 1
            for _, member in ipairs(step.members) do
              local want = table.concat(request.keys[member], "\0")
              while next_cite <= #found and cite_keys(found[next_cite]) ~= want do next_cite = next_cite + 1 end
              if next_cite <= #found then
                citations[member] = inline_html({found[next_cite]})
                next_cite = next_cite + 1
              end
            end
          end
        end
      end
    end
  end
  return {citations = citations, notes = notes, bibliography = bibliography}
end

for line in io.lines() do
  local ok, result = pcall(function()
    local request = json.decode(line, false)
    if request.convert then return convert(request) end
    if request.notes then return format_notes(request) end
    return format(request)
  end)
  if not ok then result = {error = tostring(result)} end
  io.write(json.encode(result), "\n")
  io.stdout:flush()
end
