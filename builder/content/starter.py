"""The small publication `dossier init` writes: every file it needs to build, and to teach by example.

The article cites in each of the main forms and quotes an evidence box whose saved source is
here too, so the first build already shows a verified quote. The sources are made up, and say so.
"""

from __future__ import annotations

import datetime as dt
import json

from builder import __version__

# Files a publication is set up with; the rest is example content, which init adds only to a folder
# that holds no publication yet.
SETUP_FILES = (".gitignore", ".github/workflows/publish.yml")

SNAPSHOT_KEY = "gazette2023"

SETTINGS = """\
title: {title}
description: "Sourced analysis."
# The address the site will be published at, ending in /: feeds, the sitemap and metadata use it.
# For GitHub Pages: https://USER.github.io/REPOSITORY/
base_url: https://example.org/
language: en
authors: [Your Name]
menu: [about, methodology]
"""

ARTICLE = """\
---
title: "Why the bus lanes filled up"
date: {date}
authors: [Your Name]
tags: [example, transport]
summary: "An example analysis: what a year of bus lanes did to ridership in a made-up town, and how sure we can be."
---

This is an example. It shows how a Dossier article cites its sources and quotes them;
read its Markdown beside the built page, then replace it with your own work.
The town, the people and the sources are all made up.

## Findings

1. Ridership on the two routes with new bus lanes rose by a fifth in a year [@northfield2023].
2. The rise came mostly from people who used to drive, not from other routes
   [@northfield2023, p. 3].
3. Shopkeepers on the routes are less sure than riders that the change helped them (@ev-shopkeepers).

## What the numbers say

The town's transport office counted 1.2 million trips on the two routes in the lanes' first
year, against just under a million the year before [@northfield2023, pp. 2-4]. That matches
what studies of other mid-sized towns found [see @lindqvist2021, pp. 18-20; also @osei2019, ch. 2].

@lindqvist2021 says that faster buses draw new riders only when they also run often. Northfield
did both: buses on the lanes came every eight minutes instead of every fifteen. Osei made the
same point two years earlier [-@osei2019, p. 41].

## What the shops say

A local paper asked shopkeepers on the routes what they had seen:

::: {{.evidence #ev-shopkeepers source={snapshot_key} date=2023-05-14 locator="para. 6" grade=B2}}
Trade is no worse, but it is not better either. The people on the buses used to park outside;
now they get off at the corner.
:::

One shop is not a street, and a newspaper picks the voices it quotes. The grade B2 says so:
a usually reliable source, reporting something that is probably true.
"""

ABOUT = """\
---
title: About
---

Who writes this publication, and why. Say who you are, who pays for the work, and how readers
can reach you with a correction.
"""

METHODOLOGY = """\
---
title: Methodology
summary: "How we choose sources, grade them and check our quotes."
---

## Sources

Every claim that matters is cited. The list of references under each article says where
each one comes from, and each source has a page listing everything we cite it for.

## Grades

Quoted evidence carries a grade in two parts. The letter says how reliable the source is,
from A (completely reliable) to F (cannot be judged). The number says how likely this piece
of information is to be true, from 1 (confirmed by other sources) to 6 (cannot be judged).

## Checked quotes

We keep a copy of the sources we quote. A quote marked "verified against saved source" was
found, word for word, in that copy.

## Corrections

When we get something wrong we correct it, and say what we changed and when.
"""

BIBLIOGRAPHY = """\
% Example sources for the sample article. They are made up: replace them with your own.
% Add an entry with `dossier cite add < entry.bib`, or export one from Zotero.

@techreport{northfield2023,
  author = {{Northfield Transport Office}},
  title = {Bus Lanes: The First Year},
  institution = {Town of Northfield},
  date = {2023-03},
  url = {https://transport.northfield.example/reports/bus-lanes-first-year.pdf},
}

@article{lindqvist2021,
  author = {Lindqvist, Maja},
  title = {Faster or More Often? What Draws Riders to Buses in Mid-Sized Towns},
  journaltitle = {Journal of Example Transport Studies},
  volume = {12},
  number = {1},
  pages = {11--29},
  date = {2021},
}

@book{osei2019,
  author = {Osei, Kwame},
  title = {Streets That Move: Buses, Bicycles and the Small City},
  publisher = {Example University Press},
  date = {2019},
}

@article{gazette2023,
  author = {Price, Hannah},
  title = {Bus Lanes After a Year: Riders Pleased, Shops Less So},
  journaltitle = {Northfield Gazette},
  date = {2023-05-14},
  url = {https://gazette.northfield.example/2023/05/14/bus-lanes-after-a-year},
  reliability = {B},
}
"""

SNAPSHOT = """\
---
saved: {date}
url: "https://gazette.northfield.example/2023/05/14/bus-lanes-after-a-year"
title: "Bus Lanes After a Year: Riders Pleased, Shops Less So"
---

A year after the town painted its first bus lanes on Market Street and Mill Road, the buses
are fuller and faster. The shops along the two roads are less certain what the change has
done for them.

The transport office says trips on the two routes rose by about a fifth in the year to March.
Buses on the lanes now come every eight minutes.

Riders we spoke to at the Market Street stop were pleased. "It used to take me half an hour
to get into town," said one. "Now it is fifteen minutes, and I have sold my second car."

Shopkeepers were more cautious. Some said they had lost parking spaces in front of their
doors and had not yet seen new customers to make up for them.

Anna Brook, who has run a hardware shop on Mill Road for twenty years, put it plainly.
"Trade is no worse, but it is not better either. The people on the buses used to park
outside; now they get off at the corner."

The town council will review the lanes in the autumn.
"""

GITIGNORE = """\
# What a build writes: made again by every build, never committed.
_site/
.dossier-cache/
"""

WORKFLOW = """\
# Builds the publication and publishes it on GitHub Pages at every push to main.
# Once: in the repository's Settings > Pages, set "Source" to "GitHub Actions",
# and set base_url in dossier.yml to the address Pages gives (https://USER.github.io/REPOSITORY/).
name: Publish

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

env:
  # The Dossier that builds the site: this version from PyPI, or a Git address such as
  # "dossier @ git+https://github.com/OWNER/dossier@v{version}".
  DOSSIER: "dossier=={version}"

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install Dossier
        run: |
          sudo apt-get update
          sudo apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core
          pip install "$DOSSIER"
      # Only the cache this workflow saved is used: one that arrives with the repository is removed.
      - name: Remove a committed build cache
        run: rm -rf .dossier-cache _site
      # With the last _site/ kept too, a push that changed nothing builds nothing, and one that
      # changed an article rebuilds what it touches (README, Performance).
      - name: Restore the build cache and the last site
        uses: actions/cache@v4
        with:
          path: |
            .dossier-cache
            _site
          key: dossier-${{{{ runner.os }}}}-${{{{ github.sha }}}}
          restore-keys: dossier-${{{{ runner.os }}}}-
      - name: Build
        run: dossier build
        env:
          DOSSIER_TRUST_CACHE: "1"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: _site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def starter_files(title: str, day: dt.date) -> dict[str, str]:
    """Each file of the starter publication by its path in the publication, dossier.yml last."""
    date = day.isoformat()
    return {
        ".gitignore": GITIGNORE,
        ".github/workflows/publish.yml": WORKFLOW.format(version=__version__),
        "citations/references.bib": BIBLIOGRAPHY,
        f"citations/snapshots/{SNAPSHOT_KEY}.md": SNAPSHOT.format(date=date),
        "content/articles/first-analysis.md": ARTICLE.format(date=date, snapshot_key=SNAPSHOT_KEY),
        "content/pages/about.md": ABOUT,
        "content/pages/methodology.md": METHODOLOGY,
        "dossier.yml": SETTINGS.format(title=json.dumps(title, ensure_ascii=False)),
    }
