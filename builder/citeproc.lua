-- Dossier's CSL worker, run as `pandoc lua citeproc.lua`.
-- Reads one JSON request per line on stdin and writes one JSON response per line, so a
-- single pandoc process serves a whole build (starting pandoc costs more than formatting).
--
-- {"convert": BIBLATEX_TEXT}  ->  {"items": [CSL-JSON items]}
-- {"clusters": [MARKDOWN, ...], "references": [CSL-JSON], "style": PATH, "lang": TAG,
--  "nocite": bool}            ->  {"citations": [HTML, ...], "bibliography": [{"id", "html"}]}
-- Any failure                 ->  {"error": MESSAGE}

local json = pandoc.json

local function html(blocks)
  return pandoc.write(pandoc.Pandoc(blocks), "html", {wrap_text = "none"})
end

local function convert(request)
  local doc = pandoc.read(request.convert, "biblatex")
  return {items = json.decode(pandoc.write(doc, "csljson"), false)}
end

local function format(request)
  local doc = pandoc.read(table.concat(request.clusters, "\n\n"), "markdown")
  local refs = pandoc.read(json.encode(request.references), "csljson")
  doc.meta.references = refs.meta.references
  doc.meta.csl = request.style
  doc.meta.lang = request.lang
  doc.meta["link-citations"] = true
  if request.nocite then
    doc.meta.nocite = pandoc.MetaInlines({pandoc.Cite({pandoc.Str("@*")},
      {pandoc.Citation("*", "NormalCitation")})})
  end
  local out = pandoc.utils.citeproc(doc)
  local citations, bibliography = {}, {}
  for _, block in ipairs(out.blocks) do
    if block.t == "Div" and block.identifier == "refs" then
      for _, entry in ipairs(block.content) do
        local id = entry.identifier:gsub("^ref%-", "")
        local blocks = entry.content:map(function(b)
          if b.t == "Para" then return pandoc.Plain(b.content) end
          return b
        end)
        table.insert(bibliography, {id = id, html = html(blocks)})
      end
    elseif block.t == "Para" or block.t == "Plain" then
      table.insert(citations, html({pandoc.Plain(block.content)}))
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
