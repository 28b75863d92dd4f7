// Package report builds the weekly topic report (舆情周报) that leaders read:
// the volume of each hot-topic area and its trend, negative share, top
// stories, places, alerts by severity, how well departments responded (the
// plan's three "100%"), emerging words and sources that went silent.
//
// A Builder reads aggregates through the Source interface (the store
// implements it, aggregating in SQL) into a Data value; renderers turn Data
// into Markdown, JSON, HTML (a print-friendly government 周报 with static
// charts drawn by gonum/plot) and PDF (headless Chromium). A Scheduler
// builds the previous week's report once a week, a Publisher archives it
// and announces it to receivers.
package report
