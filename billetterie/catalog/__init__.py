"""Events, dates, venues, zones, seats, prices, quotas, options, images, duplication."""
