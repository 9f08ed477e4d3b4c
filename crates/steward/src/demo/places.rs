//! Place tables for the demo data (pure data): towns with their districts, outward
//! codes and main streets, common street names, blocks of flats, business parks.

use super::names::{IRISH, SCOTTISH, SOUTH_ASIAN_MUSLIM, WELSH};

/// A town: its districts with their outward codes, and some of its main streets.
pub(super) struct Town {
    pub(super) name: &'static str,
    pub(super) county: Option<&'static str>,
    pub(super) areas: &'static [(&'static str, &'static str)],
    pub(super) streets: &'static str,
    /// A naming tradition more common here than elsewhere.
    pub(super) local: Option<usize>,
    /// Whether landlines here are London (020) numbers.
    pub(super) london: bool,
}

pub(super) const HOUSING_TOWNS: &[Town] = &[
    Town {
        name: "Ipswich",
        county: Some("Suffolk"),
        areas: &[
            ("Chantry", "IP2"),
            ("Whitehouse", "IP1"),
            ("Castle Hill", "IP1"),
            ("Rushmere", "IP4"),
            ("Priory Heath", "IP3"),
            ("Stoke Park", "IP2"),
            ("Gainsborough", "IP3"),
        ],
        streets: "Felixstowe Road, Norwich Road, Woodbridge Road, Hadleigh Road, \
    Bramford Lane, Cauldwell Avenue, Nacton Road, Landseer Road",
        local: None,
        london: false,
    },
    Town {
        name: "Norwich",
        county: Some("Norfolk"),
        areas: &[
            ("Lakenham", "NR1"),
            ("Golden Triangle", "NR2"),
            ("Mile Cross", "NR3"),
            ("Earlham", "NR5"),
            ("Bowthorpe", "NR5"),
            ("Old Catton", "NR6"),
            ("Sprowston", "NR7"),
        ],
        streets: "Dereham Road, Earlham Road, Aylsham Road, Sprowston Road, \
    Magdalen Street, Unthank Road, Bluebell Road",
        local: None,
        london: false,
    },
    Town {
        name: "Cambridge",
        county: Some("Cambridgeshire"),
        areas: &[
            ("Arbury", "CB4"),
            ("Chesterton", "CB4"),
            ("Cherry Hinton", "CB1"),
            ("Romsey", "CB1"),
            ("Trumpington", "CB2"),
            ("Abbey", "CB5"),
        ],
        streets: "Mill Road, Histon Road, Coldham's Lane, Newmarket Road, \
    Arbury Road, Campkin Road, Fulbourn Road",
        local: None,
        london: false,
    },
    Town {
        name: "Colchester",
        county: Some("Essex"),
        areas: &[
            ("New Town", "CO1"),
            ("Shrub End", "CO2"),
            ("Old Heath", "CO2"),
            ("Lexden", "CO3"),
            ("Greenstead", "CO4"),
            ("Highwoods", "CO4"),
        ],
        streets: "Maldon Road, Ipswich Road, Harwich Road, Mersea Road, Butt Road",
        local: None,
        london: false,
    },
    Town {
        name: "Lowestoft",
        county: Some("Suffolk"),
        areas: &[
            ("Oulton Broad", "NR32"),
            ("Normanston", "NR32"),
            ("Pakefield", "NR33"),
            ("Kirkley", "NR33"),
            ("Carlton Colville", "NR33"),
        ],
        streets: "London Road South, Bevan Street East, Normanston Drive, \
    St Peter's Street",
        local: None,
        london: false,
    },
    Town {
        name: "Bury St Edmunds",
        county: Some("Suffolk"),
        areas: &[("Moreton Hall", "IP32"), ("Howard Estate", "IP32"), ("Westley", "IP33"), ("Northgate", "IP33")],
        streets: "Risbygate Street, Out Westgate, Hospital Road, Mount Road, \
    Tayfen Road",
        local: None,
        london: false,
    },
    Town {
        name: "Great Yarmouth",
        county: Some("Norfolk"),
        areas: &[
            ("Northgate", "NR30"),
            ("Caister-on-Sea", "NR30"),
            ("Gorleston-on-Sea", "NR31"),
            ("Southtown", "NR31"),
            ("Cobholm", "NR31"),
        ],
        streets: "Northgate Street, Southtown Road, Beccles Road, Lowestoft Road",
        local: None,
        london: false,
    },
];

pub(super) const CHARITY_TOWNS: &[Town] = &[
    Town {
        name: "Leeds",
        county: None,
        areas: &[
            ("Headingley", "LS6"),
            ("Hyde Park", "LS6"),
            ("Chapeltown", "LS7"),
            ("Harehills", "LS8"),
            ("Burmantofts", "LS9"),
            ("Beeston", "LS11"),
        ],
        streets: "Cardigan Road, Chapeltown Road, Roundhay Road, Harehills Lane, \
    Dewsbury Road, Hyde Park Road",
        local: None,
        london: false,
    },
    Town {
        name: "Manchester",
        county: None,
        areas: &[
            ("Rusholme", "M14"),
            ("Fallowfield", "M14"),
            ("Longsight", "M13"),
            ("Moss Side", "M16"),
            ("Cheetham Hill", "M8"),
            ("Gorton", "M18"),
        ],
        streets: "Wilmslow Road, Platt Lane, Stockport Road, Princess Road, \
    Cheetham Hill Road, Hyde Road",
        local: None,
        london: false,
    },
    Town {
        name: "Birmingham",
        county: None,
        areas: &[
            ("Edgbaston", "B15"),
            ("Small Heath", "B10"),
            ("Sparkbrook", "B11"),
            ("Sparkhill", "B11"),
            ("Balsall Heath", "B12"),
            ("Handsworth", "B21"),
        ],
        streets: "Stratford Road, Coventry Road, Soho Road, Ladypool Road, \
    Moseley Road",
        local: Some(SOUTH_ASIAN_MUSLIM),
        london: false,
    },
    Town {
        name: "Cardiff",
        county: None,
        areas: &[
            ("Butetown", "CF10"),
            ("Grangetown", "CF11"),
            ("Riverside", "CF11"),
            ("Splott", "CF24"),
            ("Adamsdown", "CF24"),
            ("Canton", "CF5"),
        ],
        streets: "Clifton Street, Cowbridge Road East, Penarth Road, Splott Road, \
    Heol y Deri, Clos y Gof",
        local: Some(WELSH),
        london: false,
    },
    Town {
        name: "Edinburgh",
        county: None,
        areas: &[
            ("Leith", "EH6"),
            ("Easter Road", "EH7"),
            ("Abbeyhill", "EH7"),
            ("Gorgie", "EH11"),
            ("Craigmillar", "EH16"),
            ("Gilmerton", "EH17"),
        ],
        streets: "Easter Road, Leith Walk, Gorgie Road, Great Junction Street, \
    Duke Street, Gilmerton Road",
        local: Some(SCOTTISH),
        london: false,
    },
    Town {
        name: "Belfast",
        county: None,
        areas: &[
            ("Malone", "BT9"),
            ("Stranmillis", "BT9"),
            ("Ormeau", "BT7"),
            ("Falls", "BT12"),
            ("Ardoyne", "BT14"),
            ("Ballyhackamore", "BT5"),
        ],
        streets: "Lisburn Road, Ormeau Road, Falls Road, Crumlin Road, \
    Malone Avenue, Donegall Road",
        local: Some(IRISH),
        london: false,
    },
    Town {
        name: "London",
        county: None,
        areas: &[
            ("Hackney", "E8"),
            ("Dalston", "E8"),
            ("Walthamstow", "E17"),
            ("Tottenham", "N17"),
            ("South Tottenham", "N15"),
            ("Peckham", "SE15"),
        ],
        streets: "Kingsland Road, Mare Street, High Road, Rye Lane, Hoe Street, \
    Seven Sisters Road",
        local: None,
        london: true,
    },
];

/// Streets found in most towns.
pub(super) const COMMON_STREETS: &str = "Church Lane, Station Road, Victoria Road, Queen's Road, \
    Orchard Way, Mill Lane, The Crescent, Meadow Close, Elm Grove, Chestnut Avenue, \
    Park View, St John's Close, Kingfisher Drive, Rectory Road, Beech Walk, \
    Windsor Terrace, Nightingale Close, Hawthorn Road, Manor Road, Poplar Close, Rowan Way, \
    Oak Tree Lane, Brook Street, Albert Street, George Street, Springfield Road, \
    Highfield Road, Cherry Tree Road, Holly Close, Linden Grove";

/// Blocks of flats.
pub(super) const BLOCKS: &str = "Alder House, Orwell Court, Kingfisher Court, Willow House, \
    Beech Court, St Clement's Court, Heron Point, Wherry House, Marlow Court, Cavell Court, \
    Tudor House, Foxglove Court, Sandpiper House, Mill View";

pub(super) const BUSINESS_PARKS: &str = "Riverside Business Park, Kingsway Trading Estate, \
    Gateway Industrial Estate, Meridian Business Park, Beacon Court, Harbour Trade Centre";

/// Letters used in inward codes (Royal Mail never uses C, I, K, M, O or V there).
pub(super) const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
