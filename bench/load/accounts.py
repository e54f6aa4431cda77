"""The load test's account names, shared by bench.load.prepare (which makes them) and the
locustfile (which signs in with them); no Django here, so locust imports it as it is."""

import os

PASSWORD = "Demo#2026safe"  # the demo accounts' (safeloop.demo.seed); prepare checks it
COUNTIES = ["640104", "640105", "640106", "640121", "640122", "640181"]
CITY = int(os.environ.get("LOAD_CITY", "20"))  # city inspectors
PER_COUNTY = int(os.environ.get("LOAD_PER_COUNTY", "10"))  # county inspectors per county
PARKS = 24  # the generator's parks: four per county, one officer each
MANAGERS = int(os.environ.get("LOAD_MANAGERS", "200"))  # safety managers, one per enterprise


def regulators() -> list[str]:
    """City, county and park accounts interleaved, so that any number of simulated regulators
    has the same blend: per round one city inspector, one of each county, one park officer."""
    names = []
    for n in range(1, max(CITY, PER_COUNTY, PARKS) + 1):
        if n <= CITY:
            names.append(f"load_city_{n}")
        if n <= PER_COUNTY:
            names += [f"load_county_{code}_{n}" for code in COUNTIES]
        if n <= PARKS:
            names.append(f"load_park_{n}")
    return names


def managers(*, writers: bool) -> list[str]:
    """Writers take the first half of the safety managers, readers the second half: no two
    simulated users of one kind share an enterprise's open tasks until a half is used up."""
    half = MANAGERS // 2
    numbers = range(1, half + 1) if writers else range(half + 1, MANAGERS + 1)
    return [f"load_sm_{n}" for n in numbers]
