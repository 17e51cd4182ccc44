"""Word lists for make_corpus.py: a few thousand English word forms plus topical terms.

Kept apart from the generator so that the generator reads as a program. The lists are
plain strings split on white space (multi-word terms are joined by '_'); a verb written
`base/past` or `base/past/gerund` gives the forms that the simple spelling rules in
make_corpus.py would get wrong.
"""

NOUNS = """
ability absence access account accountability accumulation adaptation adjustment administration
advantage advice agency agenda agreement agriculture aid allegiance alliance allocation ambiguity
amendment analysis anxiety apparatus appeal approach archive argument arrangement arrest assessment
asset assumption assurance atmosphere attempt attention attitude audience authority autonomy
balance bank bargain barrier basis battle behaviour belief benefit bias boundary branch breach
bribe budget bureau bureaucracy burden business cabinet cadre calculation campaign candidate capacity
capital career cargo case category caution ceiling census centre ceremony chain challenge chamber
change channel chapter character charge circle circulation claim class clause climate coalition
code coherence collapse colleague collection command commentary commerce commission commitment
committee commodity community company comparison compensation competition complaint compliance
component compromise concentration concept concern concession conclusion condition conduct
conference confidence conflict confusion consensus consequence constraint construction consumption
contact content context contract contradiction contrast contribution control controversy convention
conversation conviction cooperation coordination corridor corruption cost council counterpart
courage court coverage credibility credit crisis criterion criticism crop culture currency custom
cycle damage danger deadline debate debt decade decision declaration decline default defence
deficit definition degree delay delegation demand democracy density department dependence deployment
deposit depth design desire detail detention deterrence development device dialogue difference
difficulty dilemma dimension diplomacy direction discipline disclosure discourse discovery discretion
discussion dispute distance distinction distribution district division doctrine document domain
doubt draft duty dynamic economy edge edition effect efficiency effort election element elite
emergency emphasis empire employee employment encounter energy enforcement engagement enterprise
entity environment episode equilibrium equipment era error escalation essay estimate evaluation
event evidence evolution examination example exception exchange exclusion execution exercise exile
expansion expectation expenditure experience experiment expert explanation export exposure expression
extent extraction facility factor failure faith family famine feature fee figure file finance
finding firm flexibility focus force forecast form formula forum foundation fraction fragment
framework freedom frequency friction frontier function fund funding future gain gap gathering
generation gesture goal goods governance government grain grant ground group growth guarantee
guidance habit harvest hazard headquarters hearing hierarchy history holding horizon household
hypothesis identity ideology image impact implication import impression improvement incentive
incident income increase independence index indicator industry inequality inference inflation
influence information infrastructure initiative injury inquiry insight inspection instability
instance institution instruction instrument insurance integration intelligence intensity intention
interest interior interpretation interval intervention interview introduction inventory investigation
investment invitation issue item journal judgement jurisdiction justice knowledge label labour
landscape language launch law layer leader leadership leverage liability licence limit line link
list literature loan location logic loyalty machinery magnitude maintenance majority manager mandate
margin market mass material matter measure mechanism media meeting member memory message method
migration militia minister ministry minority mission mobility mode model moment momentum monitoring
monopoly morale motive movement narrative nation necessity negotiation neighbour network norm
notion number objective obligation observation observer obstacle occasion office official operation
opinion opponent opportunity opposition option order organisation origin outcome output oversight
owner pace package pact panel paradox parallel parameter part participant partner party passage
pattern payment peace penalty pension perception performance period permission persistence
perspective phase phenomenon philosophy picture pilot pipeline place plan platform pledge plot
point policy portion position possibility post potential poverty power practice precedent prediction
preference premise presence pressure prestige prevention price principle priority prison privilege
probability problem procedure process producer product production profile profit programme progress
project proposal prospect protection protest protocol provision proximity publication purchase
purge purpose quality quantity question quota radio range rank rate ratio reaction reader reality
reason rebellion recession recognition recommendation reconstruction record recovery reduction
reference reform refuge region register regulation relation relationship release relevance reliance
relief remittance report representation reputation request requirement research reserve residence
resistance resolution resource response responsibility restraint restriction result retreat
revenue review revision revolution reward rhetoric right risk ritual rival role route routine rule
rumour salary sample sanction scale scandal scarcity scenario schedule scheme scope scrutiny season
secrecy section sector security segment selection sense sentence sequence series service session
settlement shift shipment shock shortage signal significance silence situation size skill slogan
smuggling society source speech spending sphere stability staff stage stake standard stance statement
statistic status stock strategy stream strength structure struggle study subject subsidy substance
success succession summary summit supervision supply support surface surplus survey survival
suspicion symbol system tactic talk target tariff task tax technique technology tendency tension
term territory testimony text theme theory threat threshold ticket tier timing title tolerance
tone tool total trade tradition traffic transaction transfer transition transparency treaty trend
trial tribute troop trust truth turnover uncertainty understanding union unit unity university
upheaval usage utility validity value variable variation vehicle venture verdict version veto
victory view village violation violence visibility vision visit voice volume vote vulnerability
wage war warehouse warning wealth weapon weight welfare will window withdrawal witness worker
workshop world yield youth
"""

VERBS = """
absorb accelerate accept accommodate accompany accumulate accuse achieve acknowledge acquire adapt
address adjust admit/admitted/admitting adopt advance advocate affect aggravate align allocate allow alter amplify
analyse anticipate appear apply appoint approve argue arrange assemble assert assess assign assume
attract attribute authorise avoid balance bear/bore ban/banned/banning begin/began/beginning
benefit blame block boost borrow break/broke build/built calculate cancel/cancelled/cancelling
capture challenge change characterise circulate cite claim clarify collapse collect combine command
commit/committed/committing compare compel/compelled/compelling compensate compete complicate
conceal concede concentrate conclude condemn confirm confront consider consolidate constrain
construct consult contain contest continue contradict contribute control/controlled/controlling
convert convey convince coordinate correct count create criticise cultivate curb cut/cut/cutting
damage debate decide decline define delay deliver demand demonstrate deny depend deploy describe
deserve design destroy detect determine develop dismiss display distort distribute divert divide
document dominate doubt draw/drew drive/drove earn ease elevate eliminate embrace emerge emphasise
employ enable encourage endorse enforce engage enhance ensure enter establish estimate evade
evaluate examine exceed exchange exclude execute exercise expand expect explain exploit expose
express extend extract facilitate fail favour finance focus forbid/forbade/forbidding forecast formalise
frame fund gain gather generate govern grant guarantee handle hesitate highlight hinder hold/held
identify ignore illustrate impose improve include increase indicate induce influence inform
inherit initiate insist inspect install instruct integrate intend intensify interpret intervene
introduce invest investigate invite isolate issue justify keep/kept launch lead/led legitimise
lend/lent limit link maintain manage mark measure mention minimise mobilise modify monitor motivate
negotiate neutralise note notice obscure observe obtain occupy occur/occurred/occurring offer
operate oppose organise outline outweigh overcome/overcame oversee/oversaw owe participate pay/paid
perceive perform permit/permitted/permitting persist persuade place plan/planned/planning portray
postpone predict prefer/preferred/preferring prepare present preserve prevent proceed produce
prohibit promise promote propose protect prove provide provoke publish pursue question raise reach
react reassure recall receive reckon recognise recommend reconcile record recover recruit reduce
refer/referred/referring reflect reform refuse regain register regulate reinforce reject relax
release rely remain remove repeat replace report represent reproduce require resemble reserve
resist resolve respond restore restrict retain reveal reverse revise reward rise/rose risk run/ran/running
sanction secure seek/sought seize select send/sent separate serve settle shape share shift show
signal simplify smuggle solve sponsor stabilise stage strengthen stress subsidise succeed suggest
summarise supervise supply support suppress surround survive suspend sustain target tax tend
test tighten tolerate track trade transfer/transferred/transferring transform translate treat trigger undermine understand/understood
unify urge use verify violate warn weaken weigh widen withdraw/withdrew witness worsen yield
"""

ADJECTIVES = """
absolute abstract abrupt academic acceptable accurate active actual acute adequate administrative
advanced adverse affluent aggregate aggressive agricultural alternative ambiguous ambitious ample
ancient annual anonymous apparent appropriate arbitrary armed assertive austere authoritarian
autonomous available average awkward balanced basic bilateral binding bitter bleak blunt bold
brief broad brutal bureaucratic busy capable careful casual cautious central certain chronic civil
civilian classified clear close coastal coercive cohesive collective colonial commercial common
comparable competitive complete complex comprehensive conceivable concrete confident confidential
consistent conspicuous constant constitutional contemporary contentious continuous contrary
conventional convincing core corrupt costly covert credible critical crucial cultural cumulative
current customary decisive deep defensive definite deliberate delicate democratic dense dependent
detailed devastating difficult diplomatic direct discreet distant distinct domestic dominant
dormant dramatic durable dynamic eager early economic effective efficient elaborate elderly
elementary elite eloquent embattled emerging eminent empirical encouraging endemic enormous entire
equal equivalent essential established eventual evident exact excessive exclusive existing
expensive experimental explicit exposed extensive external extraordinary extreme familiar famous
fatal favourable feasible federal fierce final financial firm fiscal fixed flexible fluid foreign
formal former fragile frank frequent fresh frugal full fundamental further general generous
genuine global gradual grave gross guarded harsh heavy hidden high historic hostile huge
hypothetical ideal ideological illegal illicit immediate imminent implicit important improbable
inadequate incidental incremental independent indirect individual industrial inevitable
influential informal inherent initial innovative insecure institutional intact integral
intellectual intense intensive interim internal international intricate invisible irregular
isolated joint judicial junior key large late latent lateral legal legitimate lenient liberal
likely limited literal local logical long loose loyal lucrative main major manual marginal
maritime material maximum meagre mechanical medical medium mere mild military minimal minor
mixed mobile moderate modest monetary moral multilateral municipal mutual narrow national native
natural naval necessary negative neutral new nominal normal notable novel nuclear numerous obscure
obvious occasional official open operational opposite optimistic ordinary organised original
outright overall overt painful parallel partial particular passive patient peculiar periodic
permanent persistent personal pivotal plausible political popular portable positive possible
potential powerful practical pragmatic precarious precise predictable preliminary premature
present previous primary principal prior private probable productive profitable profound prominent
prompt proper proportional prospective provincial provisional prudent public punitive pure quiet
radical random rapid rare rational raw real realistic reasonable recent reciprocal regional
regular relative relevant reliable reluctant remarkable remote repeated representative repressive
residual resilient respective restrictive retail revolutionary rigid rigorous rising robust rough
routine rural scarce secondary secret sectoral secure selective senior sensitive separate serious
severe shallow sharp short significant silent similar simple sincere single slight slow small
social soft solid sophisticated sovereign sparse special specific speculative stable stark static
steady steep stern strategic strict striking strong structural subordinate subsequent substantial
subtle successful sudden sufficient suitable superficial supreme surprising suspicious sustained
symbolic systematic tacit tangible technical temporary tense tentative territorial thin tight
total tough traditional transparent tremendous trivial typical ultimate unable uncertain
unclear uneasy unequal uneven unexpected unilateral uniform unique universal unlikely unofficial
unprecedented unstable unusual upper urban urgent useful usual vague valid valuable variable vast
verbal viable vigilant violent visible vital volatile voluntary vulnerable weak wealthy wide
wider widespread wilful wise worrying
"""

ADVERBS = """
accordingly actually largely broadly certainly clearly closely consistently considerably currently
deliberately directly distinctly effectively entirely equally especially eventually evidently
explicitly formally frequently fully generally gradually greatly heavily hardly increasingly
indirectly inevitably initially largely likely markedly merely mostly mainly necessarily nominally
notably noticeably obviously occasionally officially openly ordinarily partly perhaps plainly
possibly precisely presumably previously primarily probably promptly quickly quietly rapidly
rarely readily reasonably recently relatively reportedly roughly routinely scarcely seemingly
selectively seriously sharply significantly similarly simply slowly sometimes steadily strictly
strongly substantially suddenly surely systematically tacitly temporarily typically ultimately
uniformly usually virtually visibly widely
"""

TOPICAL = """
sanctions hard_currency remittances defectors defection the_Party_Congress the_Central_Committee
the_Politburo the_Organisation_and_Guidance_Department the_State_Security_Department the_Korean_People's_Army
the_military-first_policy the_byungjin_line the_donju market_traders the_jangmadang border_trade
coal_exports seafood_exports textile_processing overseas_labour overseas_restaurants ship-to-ship_transfers
shell_companies the_Panel_of_Experts the_Security_Council the_armistice the_demilitarised_zone
the_Kaesong_Industrial_Complex the_Rason_zone special_economic_zones the_won exchange_rates rice_prices
food_security the_public_distribution_system collective_farms state_enterprises enterprise_autonomy
the_enterprise_responsibility_system foreign_currency_earning trading_companies Bureau_39 Office_38
state_media propaganda ideological_campaigns the_70-day_campaign the_200-day_campaign mobilisation
self-criticism_sessions neighbourhood_watch_units the_inminban political_prison_camps public_executions
border_guards broker_networks smuggling_routes mobile_phones USB_drives foreign_media South_Korean_dramas
radio_broadcasts information_inflow elite_purges succession_politics the_Supreme_Leader the_cabinet
the_Workers'_Party provincial_committees the_security_services nuclear_tests missile_launches
satellite_launches the_Yongbyon_complex enrichment plutonium_production delivery_systems
six-party_talks summit_diplomacy humanitarian_aid the_World_Food_Programme unification_policy
the_Sunshine_Policy maximum_pressure secondary_sanctions financial_sanctions export_controls
maritime_interdiction cyber_operations cryptocurrency_theft money_laundering front_companies
arms_transfers oil_imports refined_petroleum fuel_prices electricity_shortages hydropower
mining_concessions rare_earths fishing_rights construction_projects housing_construction
the_Mirae_Scientists_Street Ryomyong_Street hospital_construction tourism_projects the_Wonsan-Kalma_zone
COVID-19_border_closure quarantine_measures the_border_fence repatriation Chinese_customs Dandong
the_Yalu_River the_Tumen_River Hyesan Sinuiju Chongjin Hamhung Wonsan Nampo Kaesong
"""

PLACES = """
Pyongyang Seoul Beijing Moscow Tokyo Washington Dandong Shenyang Yanbian Vladivostok Ulaanbaatar
Hanoi Bangkok Kuala_Lumpur Jakarta Singapore Geneva Vienna New_York Brussels Sinuiju Hyesan Chongjin
Rason Wonsan Nampo Hamhung Kaesong Haeju Kanggye Hoeryong Musan Sariwon Pyongsong Tanchon
North_Hamgyong South_Hamgyong Ryanggang Chagang North_Pyongan South_Pyongan Kangwon Hwanghae
Zhejiang Liaoning Jilin Primorye Ningbo Yanji Hunchun Tumen Changbai Ji'an Kuandian Donggang
"""

ORGANISATIONS = """
the_Ministry_of_Unification the_National_Intelligence_Service the_Korea_Institute_for_National_Unification
the_Bank_of_Korea the_UN_Panel_of_Experts the_UN_Security_Council the_World_Food_Programme
the_Food_and_Agriculture_Organization the_International_Atomic_Energy_Agency the_US_Treasury
the_State_Department the_European_Union the_Chinese_Ministry_of_Commerce Korean_Central_Television
the_Korean_Central_News_Agency Rodong_Sinmun Daily_NK NK_News Radio_Free_Asia Yonhap
the_Unification_Media_Group the_Asan_Institute the_Sejong_Institute the_Korea_Development_Institute
the_Stimson_Center the_Peterson_Institute the_International_Crisis_Group Human_Rights_Watch
the_Committee_for_Human_Rights_in_North_Korea the_Database_Center_for_North_Korean_Human_Rights
the_Transitional_Justice_Working_Group the_Korea_Trade-Investment_Promotion_Agency
the_Financial_Action_Task_Force the_Chinese_General_Administration_of_Customs the_Ministry_of_People's_Security
"""

# Uncommon nouns, each used in only a few articles, so that some queries match few pages.
RARE = """
palimpsest sinecure chiaroscuro apophenia kleptocracy gerontocracy samizdat sumptuary autarky
panopticon hagiography sinology cartography apostasy satrapy suzerainty tributary interregnum
palanquin chicanery obloquy sophistry casuistry verisimilitude desuetude quiescence recrudescence
lacuna chimera shibboleth mendacity probity sinecurist factotum nomenklatura apparatchik
plenipotentiary emolument peculation usufruct arrogation abnegation obsequiousness
clientelism prebendalism patrimonialism caesarism bonapartism praetorianism irredentism
revanchism juche songun kimilsungism hermeneutics teleology historiography epistemology
ontology phenomenology dialectic antinomy aporia stochasticity heteroskedasticity endogeneity
autocorrelation cointegration hysteresis isomorphism entropy ergodicity sclerosis atrophy
ossification calcification petrification metamorphosis efflorescence quinquennial sesquicentennial
cenotaph mausoleum reliquary iconostasis catechism litany encomium panegyric philippic
jeremiad diatribe polemic screed broadside manifesto communique demarche aide-memoire
rapprochement detente entente condominium protectorate mandarinate tetrarchy triumvirate
duumvirate camarilla cabal junta presidium secretariat commissariat
"""

# Hangul titles for a few bibliography entries (Korean-language sources).
HANGUL_TITLES = [
    "북한 시장화의 정치경제", "제재와 외화벌이", "탈북민 증언 연구", "당 대회와 엘리트 정치",
    "국경 무역과 밀수", "북한 사회의 정보 유입", "평양의 도시 개발", "북한 경제 통계의 재검토",
]

# Hangul sentences quoted in some translated evidence boxes' notes.
HANGUL_NOTES = [
    "원문은 조선어", "원문 기사 제3단락", "번역은 편집부", "평양방송 보도 인용",
]
