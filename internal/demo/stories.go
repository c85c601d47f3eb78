package demo

// entry is one story in the embedded catalogue. Text is final, typographic plain text (curly
// quotes and apostrophes, en and em dashes); the feed renders it the way WordPress would, with
// numeric character references, so herald's entity handling has something to do.
type entry struct {
	title      string
	slug       string
	lede       string // dateline first: "MILLBROOK — ..."
	body       []string
	caption    string
	author     string
	categories []string
	lang       string // BCP 47; empty means en-US
}

// catalogue is the Valley Courier's run of stories, in publication order. Every place, person and
// business in it is fictional. After the last entry the newsroom starts again from the first with
// new IDs and slugs.
var catalogue = []entry{
	{
		title: "Council approves $48.2 million budget with road & pool repairs",
		slug:  "council-approves-budget-road-pool-repairs",
		lede:  "MILLBROOK — The town council approved a $48.2 million budget for the coming year on Tuesday night, setting aside $3.1 million for road resurfacing and a long-delayed repair of the Riverside Pool.",
		body: []string{
			"The budget passed 6–1 after a three-hour meeting. Councillor Ruth Abernathy cast the only vote against, saying the plan relied too heavily on a one-time transfer from reserves.",
			"Property taxes will rise by 2.4 percent, or about $58 a year for a typical home, according to the town’s finance director, Colin Marsh.",
			"Work on the pool is expected to start in September, and the town said it hoped to reopen it in time for next summer.",
		},
		caption:    "Councillors vote on the budget at Millbrook Town Hall on Tuesday. Photo: Maria Delgado / The Valley Courier",
		author:     "Maria Delgado",
		categories: []string{"Local", "Politics"},
	},
	{
		title: "Orchard Hill Primary opens its doors to 340 pupils",
		slug:  "orchard-hill-primary-opens",
		lede:  "ORCHARD HILL — The new Orchard Hill Primary School welcomed its first 340 pupils on Monday, two years after the old building on Church Lane was closed because of a leaking roof.",
		body: []string{
			"Head teacher Daniel Osei said the first morning went “better than we dared hope”, with only a few tears at the gate, most of them from parents.",
			"The $19 million building has 14 classrooms, a library and a hall that community groups will be able to book in the evenings.",
			"The district said the Church Lane site would be sold, with the money going to the upkeep of other schools.",
		},
		caption:    "Pupils arrive for the first day at the new Orchard Hill Primary School on Monday. Photo: Hannah Lindqvist / The Valley Courier",
		author:     "Hannah Lindqvist",
		categories: []string{"Local"},
	},
	{
		title: "Frost warning issued for the Harrow Valley overnight",
		slug:  "frost-warning-harrow-valley",
		lede:  "MILLBROOK — Forecasters issued a frost warning for the Harrow Valley on Wednesday, with temperatures expected to fall to minus 4 degrees Celsius in low-lying areas before dawn.",
		body: []string{
			"Gardeners were advised to cover tender plants and bring pots indoors. The warning runs from 10 p.m. until 9 a.m. on Thursday.",
			"Drivers should expect icy patches on the Ridge Road and on bridges, the county highways department said, adding that gritters would be out from 8 p.m.",
		},
		caption:    "Frost on the fields outside Millbrook early on Wednesday. Photo: Sam Whitaker / The Valley Courier",
		author:     "Sam Whitaker",
		categories: []string{"Weather"},
	},
	{
		title: "Millbrook Rovers reach county cup final after penalty shoot-out",
		slug:  "rovers-reach-county-cup-final",
		lede:  "MILLBROOK — Millbrook Rovers reached the county cup final for the first time in 23 years on Saturday, beating Kelsey Falls 5–4 on penalties after a 1–1 draw at Wend Park.",
		body: []string{
			"Goalkeeper Jordan Pike saved the decisive kick from the Kelsey Falls captain, Luis Moreno, setting off celebrations among a crowd of about 1,200.",
			"The Rovers will play Ashford Green Athletic in the final on May 17. Tickets go on sale at the clubhouse on Monday.",
		},
		caption:    "Rovers players celebrate the winning penalty at Wend Park on Saturday. Photo: Tom Okafor / The Valley Courier",
		author:     "Tom Okafor",
		categories: []string{"Sport"},
	},
	{
		title: "Wend Street bridge to close for six weeks of repairs",
		slug:  "wend-street-bridge-repairs",
		lede:  "MILLBROOK — The Wend Street bridge will close to traffic for six weeks from June 2 while engineers replace corroded steel bearings, the county said on Thursday.",
		body: []string{
			"Pedestrians and cyclists will still be able to cross on a temporary walkway along the eastern side. Drivers will be diverted over the Mill Road bridge, adding about ten minutes to the journey.",
			"An inspection last autumn found that two of the bridge’s eight bearings had worn beyond safe limits. The repair will cost $1.4 million, most of it from a state grant.",
			"Bus route 4 will follow the diversion while the work lasts.",
		},
		caption:    "Engineers inspect the underside of the Wend Street bridge last autumn. Photo: Sam Whitaker / The Valley Courier",
		author:     "Sam Whitaker",
		categories: []string{"Local"},
	},
	{
		title: "Harvest & Lantern Festival returns to Market Square this weekend",
		slug:  "harvest-lantern-festival-returns",
		lede:  "MILLBROOK — The Harvest & Lantern Festival returns to Market Square on Saturday after a year’s absence, with more than 60 stalls, a lantern parade at dusk and live music until 10 p.m.",
		body: []string{
			"Organisers said the festival was cancelled last year because of building work on the square, and they expect up to 8,000 visitors over the weekend.",
			"The lantern parade leaves the library at 7 p.m. and follows the river path to the square. Children can make lanterns at free workshops in the library on Friday afternoon.",
			"Market Street will be closed to traffic from 6 a.m. on Saturday until midnight on Sunday.",
		},
		caption:    "Lanterns light up the river path at a previous festival. Photo: Priya Raman / The Valley Courier",
		author:     "Priya Raman",
		categories: []string{"Local"},
	},
	{
		title: "Bakery opens in the old post office on High Street",
		slug:  "bakery-opens-old-post-office",
		lede:  "MILLBROOK — A family-run bakery opened on Friday in the former post office on High Street, which had stood empty for almost four years.",
		body: []string{
			"The owners, Elena and Marco Ferri, who used to sell bread at the Saturday market, said a queue had formed before they unlocked the doors at 7 a.m.",
			"The bakery employs nine people and has kept the building’s original counter and tiled floor. It is open Tuesday to Sunday.",
			"The town’s business association said four empty shops on High Street had been let since January.",
		},
		caption:    "Elena Ferri serves the first customers at the new bakery on High Street on Friday. Photo: Priya Raman / The Valley Courier",
		author:     "Priya Raman",
		categories: []string{"Business", "Local"},
	},
	{
		title: "Walk-in health clinic to stay open until 8 p.m. on weekdays",
		slug:  "health-clinic-evening-hours",
		lede:  "MILLBROOK — The Millbrook Community Health Clinic will stay open until 8 p.m. on weekdays from next month, so that working residents can see a nurse or doctor without taking time off.",
		body: []string{
			"The clinic on Station Road now closes at 5 p.m. Its director, Dr. Amira Haddad, said waiting times at the county hospital’s emergency department showed many people were going there with problems the clinic could treat.",
			"The longer hours are paid for by a two-year grant from the regional health board. No appointment is needed.",
		},
		caption:    "The Millbrook Community Health Clinic on Station Road. Photo: Hannah Lindqvist / The Valley Courier",
		author:     "Hannah Lindqvist",
		categories: []string{"Local"},
	},
	{
		title: "New Saturday bus links Millbrook and Ashford Green",
		slug:  "saturday-bus-ashford-green",
		lede:  "ASHFORD GREEN — A new Saturday bus service between Ashford Green and Millbrook begins this weekend, running every hour from 8 a.m. to 7 p.m.",
		body: []string{
			"Route 12 will stop at the railway station, the health clinic and Market Square. Fares are $2, and children under 12 travel free.",
			"Residents of Ashford Green had campaigned for a weekend service since the old route was cut in 2019. The county will review passenger numbers after six months.",
		},
		caption:    "A route 12 bus in Ashford Green on a test run on Thursday. Photo: Tom Okafor / The Valley Courier",
		author:     "Tom Okafor",
		categories: []string{"Local"},
	},
	{
		title: "Water main break closes part of Main Street",
		slug:  "water-main-break-main-street",
		lede:  "MILLBROOK — A burst water main flooded part of Main Street on Monday morning, closing the road between Church Lane and Mill Road and leaving about 200 homes without water.",
		body: []string{
			"Crews from Harrow Valley Water were at the scene by 7.30 a.m. and said they expected to restore supply by early evening.",
			"Bottled water is being handed out at the fire station on Station Road. Drivers are asked to avoid the area.",
		},
		caption:    "Water runs along Main Street after the pipe burst on Monday. Photo: Sam Whitaker / The Valley Courier",
		author:     "Sam Whitaker",
		categories: []string{"Breaking", "Local"},
	},
	{
		title: "County approves 420 homes on former Kestrel Mill site",
		slug:  "kestrel-mill-homes-approved",
		lede:  "MILLBROOK — The county planning committee on Wednesday approved a plan to build 420 homes, a small park and a riverside footpath on the site of the former Kestrel Mill, ending a six-year dispute between the developer, residents worried about flooding and traffic, and the town council, which had twice asked for the number of homes to be cut.",
		body: []string{
			"The approval comes with conditions: 30 percent of the homes must be offered at below-market rents, and no one may move in until a new flood wall along the River Wend is finished.",
			"The residents’ group Save the Mill Meadow said it was disappointed but would not challenge the decision in court. Building could start next spring.",
		},
		caption:    "The former Kestrel Mill site beside the River Wend. Photo: Maria Delgado / The Valley Courier",
		author:     "Maria Delgado",
		categories: []string{"Politics", "Local"},
	},
	{
		title: "La biblioteca de Millbrook abrirá los domingos y amplía sus clases de inglés",
		slug:  "biblioteca-abre-domingos-clases-ingles",
		lede:  "MILLBROOK — La biblioteca municipal abrirá también los domingos a partir de este mes y duplicará sus clases gratuitas de inglés para adultos, que el año pasado tuvieron lista de espera.",
		body: []string{
			"Las clases son los martes y los jueves a las seis de la tarde. Los interesados pueden inscribirse en el mostrador de la biblioteca o por teléfono.",
			"La directora de la biblioteca, Carmen Ruiz, dijo que más de 90 vecinos se apuntaron el año pasado y que muchos pidieron un horario de fin de semana.",
		},
		caption:    "Alumnos en una clase de inglés en la biblioteca de Millbrook. Foto: Priya Raman / The Valley Courier",
		author:     "Priya Raman",
		categories: []string{"Local"},
		lang:       "es",
	},
	{
		title: "Millbrook’s oldest shop to close after 112 years",
		slug:  "millbrook-oldest-shop-closes",
		lede:  "MILLBROOK — Hartley & Sons, the hardware shop that has stood on the corner of High Street and Church Lane since 1913, will close for good on Saturday when its owner, Geoffrey Hartley, retires.",
		body: []string{
			"Mr. Hartley, 71, took over the shop from his father in 1979. He said none of his children wanted to run it and that he had not been able to find a buyer.",
			"Customers have been leaving cards and flowers at the door all week. “People come in for one screw and stay for half an hour,” Mr. Hartley said. “That’s what I’ll miss.”",
			"The building’s owner said it was talking to two possible tenants.",
		},
		caption:    "Geoffrey Hartley behind the counter of Hartley & Sons on Wednesday. Photo: Hannah Lindqvist / The Valley Courier",
		author:     "Hannah Lindqvist",
		categories: []string{"Business", "Local"},
	},
	{
		title: "Girls’ under-14 hockey team wins regional title",
		slug:  "under-14-girls-hockey-regional-title",
		lede:  "KELSEY FALLS — Millbrook Hockey Club’s under-14 girls won the regional championship on Sunday, beating Orchard Hill 2–0 in the final at the Kelsey Falls sports centre.",
		body: []string{
			"Striker Ava Brennan scored both goals, the second in the last minute. The team did not lose a match all season.",
			"Coach Megan Doyle said the number of girls signing up at the club had risen sharply in the past two years and that it was looking for more volunteer coaches.",
		},
		caption:    "Millbrook’s under-14 girls with the regional trophy on Sunday. Photo: Tom Okafor / The Valley Courier",
		author:     "Tom Okafor",
		categories: []string{"Sport"},
	},
	{
		title: "Heavy rain expected to push River Wend close to its banks",
		slug:  "heavy-rain-river-wend-levels",
		lede:  "MILLBROOK — Up to 60 millimetres of rain could fall on the Harrow Valley between Friday night and Sunday, and the River Wend is expected to rise close to the top of its banks in Millbrook, the regional environment agency said.",
		body: []string{
			"Sandbags are available at the council depot on Mill Road. The riverside car park will be closed from Friday evening as a precaution.",
			"The agency said it did not expect homes to flood but asked residents near the river to sign up for its free flood alerts.",
		},
		caption:    "The River Wend near the Mill Road bridge on Thursday. Photo: Sam Whitaker / The Valley Courier",
		author:     "Sam Whitaker",
		categories: []string{"Weather"},
	},
	{
		title: "Storm brings down trees and power lines across the valley",
		slug:  "storm-trees-power-lines-down",
		lede:  "MILLBROOK — Strong winds brought down trees and power lines across the Harrow Valley overnight, leaving about 3,000 homes without electricity on Sunday morning and closing the Ridge Road.",
		body: []string{
			"Gusts of up to 110 km/h were recorded at Kelsey Falls. No injuries had been reported by 9 a.m., the county emergency office said.",
			"The power company said it hoped to reconnect most homes by the evening. Schools will announce by 6 a.m. on Monday whether they are opening.",
			"The Ridge Road is expected to stay closed until fallen trees near Orchard Hill are cleared.",
		},
		caption:    "A fallen tree blocks the Ridge Road near Orchard Hill on Sunday. Photo: Sam Whitaker / The Valley Courier",
		author:     "Sam Whitaker",
		categories: []string{"Breaking", "Weather"},
	},
	{
		title: "Council to trial free Saturday parking in town car parks",
		slug:  "free-saturday-parking-trial",
		lede:  "MILLBROOK — Parking in the town’s three public car parks will be free on Saturdays for six months under a trial the council approved on Monday, in an effort to bring more shoppers to High Street.",
		body: []string{
			"The trial will cost the town about $45,000 in lost parking fees. Councillor James Whitfield, who proposed it, said the loss would be worth it if it helped keep shops open.",
			"Traders will be asked to count visitors during the trial, and the council will decide in the autumn whether to make it permanent.",
		},
		caption:    "The Market Street car park on a Saturday morning. Photo: Maria Delgado / The Valley Courier",
		author:     "Maria Delgado",
		categories: []string{"Politics", "Local"},
	},
	{
		title: "Valley cider maker doubles production with new press",
		slug:  "wendside-cider-new-press",
		lede:  "ORCHARD HILL — Wendside Cider, a small producer in Orchard Hill, has installed a new press that will let it double production to 200,000 bottles a year and take on six more staff.",
		body: []string{
			"Kate Mulligan started the business in her garage in 2016 with apples from her grandmother’s orchard. The firm now buys fruit from 14 farms in the valley.",
			"The press was partly paid for by a regional rural business grant. The company plans to open a tasting room next spring.",
		},
		caption:    "Kate Mulligan with the new press at Wendside Cider on Tuesday. Photo: Priya Raman / The Valley Courier",
		author:     "Priya Raman",
		categories: []string{"Business"},
	},
	{
		title: "Volunteers plant 1,500 trees along the river path",
		slug:  "volunteers-plant-trees-river-path",
		lede:  "MILLBROOK — More than 200 volunteers planted 1,500 native trees along the River Wend path on Saturday, the first stage of a plan to create a continuous strip of woodland between Millbrook and Kelsey Falls.",
		body: []string{
			"The oak, alder and hazel saplings were donated by a nursery in Ashford Green. The volunteers ranged in age from four to 86.",
			"The Harrow Valley Rivers Trust said the trees would shade the water, helping fish in hot summers, and reduce erosion of the banks.",
		},
		caption:    "Volunteers plant saplings beside the River Wend on Saturday. Photo: Hannah Lindqvist / The Valley Courier",
		author:     "Hannah Lindqvist",
		categories: []string{"Local"},
	},
	{
		title: "Half-marathon draws a record field of 2,300 runners",
		slug:  "half-marathon-record-field",
		lede:  "MILLBROOK — A record 2,300 runners took part in the Millbrook Half-Marathon on Sunday, and organisers said the event raised more than $60,000 for the children’s ward at the county hospital.",
		body: []string{
			"The men’s race was won by Samuel Kiptoo of Kelsey Falls in 1 hour, 8 minutes and 12 seconds. Rachel Adeyemi of Millbrook won the women’s race in 1:17:40, a course record.",
			"Roads around the town centre reopened shortly after 1 p.m.",
		},
		caption:    "Runners cross the Wend Street bridge during the half-marathon on Sunday. Photo: Tom Okafor / The Valley Courier",
		author:     "Tom Okafor",
		categories: []string{"Sport"},
	},
	{
		title: "Railway station gets step-free access after three-year wait",
		slug:  "station-step-free-access",
		lede:  "MILLBROOK — Passengers with wheelchairs, buggies or heavy luggage can now reach both platforms at Millbrook station without using the stairs, after two new lifts opened on Thursday.",
		body: []string{
			"Campaigners had pressed for the lifts since the footbridge was rebuilt without them in 2021. The $2.7 million project was delayed by a shortage of parts.",
			"The station also has a new covered waiting area and live departure screens.",
		},
		caption:    "One of the new lifts at Millbrook station on Thursday. Photo: Tom Okafor / The Valley Courier",
		author:     "Tom Okafor",
		categories: []string{"Local"},
	},
	{
		title: "Kelsey Falls elects its first new mayor in 16 years",
		slug:  "kelsey-falls-elects-mayor",
		lede:  "KELSEY FALLS — Voters in Kelsey Falls elected Grace Nwosu as mayor on Tuesday, ending the 16-year tenure of Peter Lang, who did not seek re-election.",
		body: []string{
			"Ms. Nwosu, a former school governor, won 54 percent of the vote against two other candidates. Turnout was 41 percent, up from 33 percent at the last election.",
			"She said her first priorities would be repairing the town’s swimming pool and keeping the library open for longer.",
		},
		caption:    "Grace Nwosu speaks to supporters at the town hall after the result on Tuesday. Photo: Maria Delgado / The Valley Courier",
		author:     "Maria Delgado",
		categories: []string{"Politics"},
	},
	{
		title: "Library lends drills & ladders in new ‘library of things’",
		slug:  "library-of-things-opens",
		lede:  "MILLBROOK — Residents can now borrow a drill, a ladder, a sewing machine or a tent from Millbrook Library, which opened a “library of things” on Wednesday with more than 120 items.",
		body: []string{
			"Items can be borrowed for a week with a library card. Most were donated by residents or local businesses.",
			"The librarian, Carmen Ruiz, said the idea was to save people money and cut waste. “Most drills are used for about 13 minutes in their whole life,” she said.",
		},
		caption:    "Carmen Ruiz with some of the items in the new collection at Millbrook Library. Photo: Priya Raman / The Valley Courier",
		author:     "Priya Raman",
		categories: []string{"Local"},
	},
	{
		title: "Co-working space opens in former textile warehouse",
		slug:  "co-working-space-textile-warehouse",
		lede:  "MILLBROOK — A co-working space with 80 desks, meeting rooms and a café opened on Monday in the former Brennan textile warehouse beside the railway station.",
		body: []string{
			"The developers said half the desks had been booked before it opened, mostly by people who used to commute to the city.",
			"Monthly membership starts at $150. The café on the ground floor is open to the public.",
		},
		caption:    "The main hall of the new co-working space on Monday. Photo: Priya Raman / The Valley Courier",
		author:     "Priya Raman",
		categories: []string{"Business"},
	},
	{
		title: "Cooling centres open as temperatures near 35C",
		slug:  "cooling-centres-heatwave",
		lede:  "MILLBROOK — The town opened two cooling centres on Thursday as forecasters predicted temperatures of up to 35 degrees Celsius in the Harrow Valley over the next three days.",
		body: []string{
			"The library and the community centre on Station Road will stay open until 9 p.m., with water and seating for anyone who needs to get out of the heat.",
			"The health clinic urged residents to check on elderly neighbours and to avoid strenuous activity in the afternoon.",
		},
		caption:    "Children play in the fountain in Market Square on Thursday. Photo: Hannah Lindqvist / The Valley Courier",
		author:     "Hannah Lindqvist",
		categories: []string{"Weather"},
	},
	{
		title: "School district proposes later start for secondary pupils",
		slug:  "later-school-start-proposal",
		lede:  "MILLBROOK — The Harrow Valley school district has proposed moving the start of the secondary school day from 8.15 a.m. to 9 a.m. from next September, citing research on teenagers’ sleep, and will hold three public meetings before the school board votes in March on a change that would also affect bus timetables, after-school clubs and sports fixtures.",
		body: []string{
			"Parents at Millbrook High are divided. Some welcomed the plan, while others said a later finish would make it harder to collect younger children from primary schools.",
			"The meetings will be held at Millbrook High, Orchard Hill Primary and the Kelsey Falls Community Centre. Dates will be posted on the district’s website.",
		},
		caption:    "Pupils arrive at Millbrook High School on Tuesday morning. Photo: Hannah Lindqvist / The Valley Courier",
		author:     "Hannah Lindqvist",
		categories: []string{"Local", "Politics"},
	},
	{
		title: "Cricket club opens new pavilion 18 months after fire",
		slug:  "cricket-club-new-pavilion",
		lede:  "ASHFORD GREEN — Ashford Green Cricket Club opened its new pavilion on Saturday, 18 months after a fire destroyed the old wooden clubhouse and most of the club’s equipment.",
		body: []string{
			"The $380,000 building was paid for by insurance, a lottery grant and fundraising that included a 24-hour match last summer.",
			"The club president, Raj Patel, said membership had grown during the rebuilding. “Losing the pavilion brought people together,” he said.",
		},
		caption:    "Players and members outside the new pavilion on Saturday. Photo: Tom Okafor / The Valley Courier",
		author:     "Tom Okafor",
		categories: []string{"Sport"},
	},
	{
		title: "Blood service appeals for donors ahead of Millbrook session",
		slug:  "blood-donors-appeal",
		lede:  "MILLBROOK — The regional blood service is asking new donors to book appointments for its two-day session at the Millbrook community centre next week, saying stocks of some blood types are running low.",
		body: []string{
			"Donors must be aged 17 to 65 and weigh at least 50 kilograms. An appointment takes about an hour.",
			"The service said fewer than one in 30 eligible adults in the valley give blood regularly.",
		},
		caption:    "A donor at a previous session in Millbrook. Photo: Hannah Lindqvist / The Valley Courier",
		author:     "Hannah Lindqvist",
		categories: []string{"Local"},
	},
	{
		title: "Farmers’ market moves to Wednesday evenings for the summer",
		slug:  "farmers-market-wednesday-evenings",
		lede:  "MILLBROOK — The Millbrook farmers’ market will move from Saturday mornings to Wednesday evenings from June to August, so that stallholders are not competing with the town’s busy weekend events.",
		body: []string{
			"The market will run from 4 p.m. to 8 p.m. in Market Square, with food stalls and a small stage for local musicians.",
			"The market manager, Tom Reyes, said a survey of 600 shoppers found that most would prefer an evening market in summer.",
		},
		caption:    "Shoppers at the farmers’ market in Market Square. Photo: Priya Raman / The Valley Courier",
		author:     "Priya Raman",
		categories: []string{"Business", "Local"},
	},
	{
		title: "Council consults on 20 mph limit for residential streets",
		slug:  "twenty-mph-limit-consultation",
		lede:  "MILLBROOK — Residents will be asked whether the speed limit on most residential streets in Millbrook should be cut from 30 mph to 20 mph, in a consultation the council launched on Friday.",
		body: []string{
			"Main roads, including the Ridge Road and Mill Road, would keep their current limits. Police figures show 41 collisions causing injury on residential streets in the past three years.",
			"The consultation runs for eight weeks. Paper forms are available at the library and the town hall.",
		},
		caption:    "A street on the Hollins estate, one of the areas covered by the proposal. Photo: Maria Delgado / The Valley Courier",
		author:     "Maria Delgado",
		categories: []string{"Politics", "Local"},
	},
	{
		title: "Museum puts farmer’s hoard of Roman coins on display",
		slug:  "roman-coin-hoard-museum",
		lede:  "KELSEY FALLS — A hoard of 212 Roman silver coins found by a farmer ploughing a field near Kelsey Falls went on display at the Harrow Valley Museum on Saturday.",
		body: []string{
			"The coins, buried in a clay pot, date from the second century. The farmer, who asked not to be named, reported the find to the county archaeologist the same day.",
			"The museum raised $95,000 to buy the hoard, including $20,000 in visitors’ donations. Entry to the exhibition is free until the end of the month.",
		},
		caption:    "Some of the coins on display at the Harrow Valley Museum. Photo: Hannah Lindqvist / The Valley Courier",
		author:     "Hannah Lindqvist",
		categories: []string{"Local"},
	},
	{
		title: "Swimmer, 15, qualifies for national championships",
		slug:  "swimmer-qualifies-nationals",
		lede:  "MILLBROOK — Lily Chen, a 15-year-old swimmer from Millbrook, has qualified for the national championships in the 200 metres butterfly after taking three seconds off her personal best at a regional meet.",
		body: []string{
			"Lily trains six mornings a week at the Kelsey Falls pool, because the Riverside Pool in Millbrook is closed for repairs.",
			"Her coach, Ben Harper, said she was the first swimmer from the town to reach the national finals in more than a decade.",
		},
		caption:    "Lily Chen training at the Kelsey Falls pool. Photo: Tom Okafor / The Valley Courier",
		author:     "Tom Okafor",
		categories: []string{"Sport"},
	},
	{
		title: "Food co-op reaches 1,000 members and plans a second shop",
		slug:  "food-co-op-thousand-members",
		lede:  "MILLBROOK — The Valley Food Co-op signed up its 1,000th member this week, a milestone its founders say will let it open a second shop, in Orchard Hill, next year.",
		body: []string{
			"The co-op, on Mill Road, sells mainly food from farms within 50 miles. Members pay $25 a year and get a discount on their shopping.",
			"The chair of its board, Nadia Hussain, said the Orchard Hill shop would be in the former bank building on The Parade.",
		},
		caption:    "Shoppers at the Valley Food Co-op on Mill Road. Photo: Priya Raman / The Valley Courier",
		author:     "Priya Raman",
		categories: []string{"Business"},
	},
}
