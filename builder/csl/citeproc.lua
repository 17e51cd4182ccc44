-- Dossier's CSL worker, run as `pandoc lua citeproc.lua`.
-- Reads one JSON request per line on stdin and writes one JSON response per line, so a
-- single pandoc process serves a whole build (starting pandoc costs more than formatting).
--
-- {"convert": BIBLATEX_TEXT, "lang": TAG}
--                             ->  {"items": [CSL-JSON items]}
-- {"clusters": [MARKDOWN, ...], "references": [CSL-JSON], "style": PATH, "lang": TAG,
--  "nocite": bool}            ->  {"citations": [HTML, ...], "bibliography": [{"id", "html"}]}
-- Any failure                 ->  {"error": MESSAGE}

local json = pandoc.json

local function html(blocks)
  return pandoc.write(pandoc.Pandoc(blocks), "html", {wrap_text = "none"})
end

-- Pandoc's BibTeX reader takes its locale from $LANG: with an English locale it turns
-- titles of entries without `langid` into sentence case, as `pandoc --citeproc` does for
-- a document whose `lang` is English; other languages keep the titles as written.
local function convert(request)
  local read = function() return pandoc.read(request.convert, "biblatex") end
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

-- Only the request sets metadata: a YAML block in the clusters could name files for citeproc
-- to read (`bibliography`, `citation-abbreviations`, another `csl`), so the clusters' own is dropped.
local function format(request)
  local doc = pandoc.Pandoc(pandoc.read(table.concat(request.clusters, "\n\n"), "markdown").blocks)
  doc.meta.references = read_references(request.references)
  doc.meta.csl = request.style
  doc.meta.lang = request.lang
  doc.meta["link-citations"] = true
  if request.nocite then
    doc.meta.nocite = pandoc.MetaInlines({pandoc.Cite({pandoc.Str("@*")},
      {pandoc.Citation("*", "NormalCitation")})})
  end
  local out = pandoc.utils.citeproc(doc)
  local pieces, ids, kinds = {}, {}, {}
  for _, block in ipairs(out.blocks) do
    if block.t == "Div" and block.identifier == "refs" then
      for _, entry in ipairs(block.content) do
        local blocks = entry.content:map(function(b)
          if b.t == "Para" then return pandoc.Plain(b.content) end
          return b
        end)
        table.insert(pieces, blocks)
        table.insert(kinds, "entry")
        table.insert(ids, (entry.identifier:gsub("^ref%-", "")))
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

for line in io.lines() do
  local ok, result = pcall(function()
    local request = json.decode(line, false)
    if request.convert then return convert(request) end
    return format(request)
  end)
  if not ok then result = {error = tostring(result)} end
  io.write(json.encode(result), "\n")
  io.stdout:flush()
end
