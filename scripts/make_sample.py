"""Write the sample portfolio in ``data/sample/`` (deterministic: run it again, get the same bytes).

The sample is a mid-size IT portfolio of a European financial-services group (banking and
insurance) planning 2027Q1–2028Q4: curated projects, sponsors, windows, dependencies and
stakeholder judgements below; team sizes, role mixes and business-case rates turned into
time-phased cost, benefit and demand with a fixed numpy seed; budget and capacity set so that
roughly half of the candidate work can be funded while mandatory and in-flight work fits.

Usage (from the repository root)::

    .venv/bin/python scripts/make_sample.py            # rewrite data/sample/*.csv
    .venv/bin/python scripts/make_sample.py --check    # also load it and print headline figures
    .venv/bin/python scripts/make_sample.py --out DIR  # write elsewhere (the tests compare)

The script asserts the sample's design targets (see ``check_targets``) and fails loudly when a
change to the curated tables breaks them.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's pmo_analytics, also when run as a plain script
OUT = ROOT / "data" / "sample"
SEED = 20270101

HORIZON = pd.period_range("2027Q1", "2028Q4", freq="Q")
STATUS_DATE = pd.Period("2026Q4", freq="Q")
ROLES = (
    "Developer",
    "Architect",
    "Business Analyst",
    "Project Manager",
    "Data Engineer",
    "Security Engineer",
    "Tester",
)
#: Loaded cost of one FTE for one quarter [EUR] (salary, on-costs, blended contractor rates).
QUARTERLY_RATE = {
    "Developer": 29_000,
    "Architect": 41_000,
    "Business Analyst": 30_000,
    "Project Manager": 35_000,
    "Data Engineer": 33_000,
    "Security Engineer": 37_000,
    "Tester": 24_000,
}
#: Share of a project's team in each role (same order as ROLES), by kind of project.
ROLE_MIX = {
    "erp": (0.30, 0.07, 0.22, 0.10, 0.06, 0.03, 0.22),
    "app": (0.37, 0.07, 0.17, 0.10, 0.04, 0.06, 0.19),
    "digital": (0.40, 0.08, 0.13, 0.08, 0.04, 0.07, 0.20),
    "data": (0.18, 0.10, 0.12, 0.08, 0.38, 0.04, 0.10),
    "reg": (0.24, 0.06, 0.25, 0.10, 0.17, 0.04, 0.14),
    "infra": (0.28, 0.18, 0.04, 0.12, 0.00, 0.07, 0.31),
    "security": (0.16, 0.15, 0.05, 0.10, 0.00, 0.40, 0.14),
    "saas": (0.20, 0.08, 0.30, 0.15, 0.07, 0.05, 0.15),
}
#: Roles whose effort comes early (analysis, design) or late (testing) in a project.
FRONT_LOADED = ("Architect", "Business Analyst")
BACK_LOADED = ("Tester",)

# Demand over capacity per role when every candidate starts as early as it can (the sample is
# meant to be tight: roughly half of the demand can be staffed), and cost over budget.
DEMAND_OVER_CAPACITY = {
    "Developer": 1.95,
    "Architect": 1.75,
    "Business Analyst": 2.0,
    "Project Manager": 1.7,
    "Data Engineer": 2.1,
    "Security Engineer": 1.8,
    "Tester": 1.9,
}
COST_OVER_BUDGET = 2.0
#: multiplies each project's quarterly benefit rate (the `benefit` column below)
BENEFIT_SCALE = 1.6

# --------------------------------------------------------------------------- the projects
# team: average FTE over delivery; nonlabour: licences, hardware, services as a share of labour
# cost; benefit: quarterly run-rate benefit after go-live as a share of total cost (0 = none);
# risk: probability of failure; scores: strategic_alignment, financial_return,
# customer_impact, regulatory_compliance, operational_risk_reduction (0–10; delivery_risk is
# derived from risk). status "in_flight" rows give start; others may give a start window.
COLUMNS = (
    "project_id name category business_unit sponsor status mandatory start earliest_start "
    "latest_start duration team mix nonlabour benefit risk scores"
).split()
# fmt: off
PROJECTS = [
    # in flight (started before the horizon; actuals to 2026Q4)
    ("P001", "ERP upgrade to S/4HANA", "Transform", "Finance", "CFO", "in_flight", False, "2026Q2", "", "", 8, 9.5, "erp", 0.90, 0.035, 0.35, "8 6 4 5 8"),
    ("P002", "Zero-trust network, phase 1", "Run", "IT Platform", "CISO", "in_flight", False, "2026Q3", "", "", 5, 4.5, "security", 0.30, 0.0, 0.20, "7 2 3 7 9"),
    ("P003", "IFRS 17 actuarial data remediation", "Run", "Finance", "Group Financial Controller", "in_flight", False, "2026Q3", "", "", 4, 4.0, "reg", 0.10, 0.0, 0.25, "5 2 1 9 6"),
    ("P004", "Data centre exit, wave 1", "Run", "IT Platform", "Head of Infrastructure", "in_flight", False, "2026Q2", "", "", 6, 5.0, "infra", 0.55, 0.05, 0.40, "7 7 2 3 8"),
    ("P005", "HR cloud suite (Workday)", "Grow", "HR", "CHRO", "in_flight", False, "2026Q4", "", "", 5, 4.0, "saas", 0.50, 0.03, 0.20, "6 5 2 2 4"),
    ("P006", "Windows Server 2016 end-of-support migration", "Run", "IT Platform", "Head of Infrastructure", "in_flight", False, "2026Q4", "", "", 3, 4.0, "infra", 0.20, 0.0, 0.15, "4 2 1 5 9"),
    ("P007", "Identity & access modernisation", "Run", "IT Platform", "CISO", "in_flight", False, "2026Q3", "", "", 4, 4.0, "security", 0.35, 0.0, 0.25, "7 3 5 6 8"),
    # mandatory regulatory work (deadlines as start windows)
    ("P008", "DORA ICT risk & resilience programme", "Run", "Risk & Compliance", "CRO", "approved", True, "", "2027Q1", "2027Q2", 4, 5.5, "reg", 0.20, 0.0, 0.25, "6 1 2 10 8"),
    ("P009", "Basel IV (CRR3) capital calculation", "Run", "Risk & Compliance", "CRO", "proposed", True, "", "2027Q3", "2027Q4", 4, 4.5, "reg", 0.15, 0.0, 0.30, "5 2 1 10 6"),
    ("P010", "CSRD sustainability reporting", "Run", "Finance", "CFO", "proposed", True, "", "2027Q2", "2027Q4", 3, 3.0, "reg", 0.20, 0.0, 0.20, "6 1 3 10 3"),
    ("P011", "EU AI Act model governance", "Run", "Risk & Compliance", "Chief Compliance Officer", "proposed", True, "", "2028Q1", "2028Q2", 3, 2.5, "reg", 0.15, 0.0, 0.20, "6 1 3 10 5"),
    ("P012", "SEPA Instant Payments compliance", "Run", "Operations", "COO", "approved", True, "", "2027Q2", "2027Q3", 3, 3.5, "app", 0.15, 0.0, 0.20, "6 3 7 10 5"),
    # Finance
    ("P013", "Financial close automation", "Grow", "Finance", "Group Financial Controller", "proposed", False, "", "", "", 2, 6.5, "saas", 0.40, 0.06, 0.15, "6 7 1 4 5"),
    ("P014", "Procure-to-pay on Coupa", "Grow", "Finance", "CFO", "proposed", False, "", "2027Q3", "", 4, 7.0, "saas", 0.45, 0.07, 0.20, "6 8 2 3 4"),
    ("P015", "Treasury management system replacement", "Run", "Finance", "Group Treasurer", "proposed", False, "", "", "", 4, 6.5, "saas", 0.50, 0.02, 0.25, "5 4 1 5 7"),
    ("P016", "Group planning & forecasting (Anaplan)", "Grow", "Finance", "CFO", "approved", False, "", "", "", 3, 6.5, "saas", 0.45, 0.06, 0.15, "7 7 1 2 3"),
    ("P017", "Intelligent invoice capture", "Grow", "Finance", "Group Financial Controller", "proposed", False, "", "", "", 2, 5.5, "app", 0.35, 0.09, 0.15, "5 8 2 1 4"),
    ("P018", "Expense management SaaS", "Run", "Finance", "Group Financial Controller", "proposed", False, "", "", "", 2, 3.0, "saas", 0.40, 0.07, 0.10, "3 6 1 2 3"),
    ("P019", "Regulatory reporting platform upgrade", "Run", "Risk & Compliance", "CRO", "proposed", False, "", "2027Q2", "2028Q1", 4, 8.0, "reg", 0.30, 0.0, 0.30, "5 2 1 8 6"),
    # Operations
    ("P020", "Claims workflow modernisation", "Grow", "Operations", "COO", "proposed", False, "", "", "", 5, 11.0, "app", 0.25, 0.06, 0.30, "7 7 8 3 5"),
    ("P021", "Payments hub modernisation", "Transform", "Operations", "COO", "proposed", False, "", "2027Q3", "", 6, 14.5, "app", 0.50, 0.04, 0.45, "8 6 6 5 7"),
    ("P022", "Robotic process automation, back office", "Grow", "Operations", "Head of Operations", "proposed", False, "", "", "", 3, 6.5, "app", 0.20, 0.10, 0.15, "5 8 3 1 4"),
    ("P023", "Document management consolidation", "Run", "Operations", "Head of Operations", "proposed", False, "", "", "", 4, 6.5, "app", 0.35, 0.03, 0.20, "4 4 2 5 6"),
    ("P024", "Branch network digitisation", "Grow", "Operations", "COO", "on_hold", False, "", "2027Q4", "", 5, 9.5, "digital", 0.50, 0.05, 0.35, "6 5 7 1 3"),
    ("P025", "Contact centre on Genesys Cloud", "Grow", "Operations", "Head of Customer Operations", "proposed", False, "", "", "", 4, 9.0, "saas", 0.50, 0.06, 0.25, "7 6 9 2 5"),
    ("P026", "Contact centre on Amazon Connect", "Grow", "Operations", "Head of Customer Operations", "proposed", False, "", "", "", 4, 10.5, "digital", 0.30, 0.07, 0.35, "7 7 8 2 4"),
    ("P027", "Mortgage origination workflow", "Transform", "Operations", "Head of Lending", "proposed", False, "", "", "", 5, 12.0, "app", 0.30, 0.07, 0.35, "8 8 8 3 4"),
    ("P028", "Trade finance platform renewal", "Run", "Operations", "COO", "proposed", False, "", "", "2027Q4", 5, 8.0, "app", 0.40, 0.02, 0.30, "4 3 4 4 8"),
    # Sales & Marketing
    ("P029", "CRM consolidation on Salesforce", "Transform", "Sales & Marketing", "CMO", "proposed", False, "", "", "", 5, 13.0, "saas", 0.70, 0.06, 0.30, "9 7 9 2 5"),
    ("P030", "CRM consolidation on Dynamics 365", "Transform", "Sales & Marketing", "CMO", "proposed", False, "", "", "", 5, 14.5, "app", 0.50, 0.06, 0.35, "8 7 8 2 5"),
    ("P031", "Customer self-service portal", "Grow", "Sales & Marketing", "Chief Digital Officer", "proposed", False, "", "", "", 3, 9.5, "digital", 0.20, 0.08, 0.25, "8 6 9 2 3"),
    ("P032", "Mobile app relaunch", "Grow", "Sales & Marketing", "Chief Digital Officer", "proposed", False, "", "", "", 3, 10.5, "digital", 0.20, 0.07, 0.30, "8 6 10 1 2"),
    ("P033", "Customer 360 analytics", "Transform", "Sales & Marketing", "CMO", "proposed", False, "", "", "", 3, 8.0, "data", 0.25, 0.07, 0.30, "9 7 8 2 3"),
    ("P034", "Next-best-offer personalisation", "Transform", "Sales & Marketing", "CMO", "proposed", False, "", "", "", 3, 7.0, "data", 0.20, 0.10, 0.40, "8 9 8 1 2"),
    ("P035", "Marketing automation & consent management", "Grow", "Sales & Marketing", "CMO", "proposed", False, "", "", "", 3, 6.5, "saas", 0.45, 0.06, 0.20, "6 6 7 6 3"),
    ("P036", "Digital onboarding with eID", "Grow", "Sales & Marketing", "Chief Digital Officer", "approved", False, "", "", "", 3, 8.0, "digital", 0.25, 0.08, 0.25, "8 7 9 6 4"),
    ("P037", "SME lending pricing engine", "Grow", "Sales & Marketing", "Head of Lending", "proposed", False, "", "", "", 3, 6.5, "data", 0.15, 0.09, 0.30, "6 8 5 2 3"),
    ("P038", "Open banking API monetisation", "Transform", "Sales & Marketing", "Chief Digital Officer", "proposed", False, "", "2027Q3", "", 4, 8.0, "digital", 0.20, 0.06, 0.45, "8 6 6 3 2"),
    ("P039", "Website CMS replatforming", "Run", "Sales & Marketing", "CMO", "proposed", False, "", "", "", 2, 6.5, "digital", 0.30, 0.02, 0.15, "4 3 6 2 4"),
    # IT Platform
    ("P040", "API gateway & developer portal", "Grow", "IT Platform", "CIO", "approved", False, "", "", "", 3, 7.0, "digital", 0.30, 0.02, 0.20, "8 3 4 2 6"),
    ("P041", "Observability platform", "Run", "IT Platform", "Head of Infrastructure", "approved", False, "", "", "", 3, 6.5, "infra", 0.40, 0.02, 0.15, "6 3 4 3 9"),
    ("P042", "AIOps event correlation", "Grow", "IT Platform", "Head of Infrastructure", "proposed", False, "", "", "", 2, 5.5, "data", 0.40, 0.05, 0.30, "6 5 3 1 7"),
    ("P043", "Data centre exit, wave 2", "Run", "IT Platform", "Head of Infrastructure", "proposed", False, "", "", "", 4, 9.5, "infra", 0.55, 0.06, 0.35, "7 8 2 3 7"),
    ("P044", "Cloud landing zone & FinOps", "Run", "IT Platform", "CIO", "proposed", False, "", "", "", 3, 6.5, "infra", 0.25, 0.05, 0.15, "7 6 1 3 6"),
    ("P045", "Zero-trust network, phase 2", "Run", "IT Platform", "CISO", "proposed", False, "", "", "", 4, 8.0, "security", 0.30, 0.0, 0.25, "7 2 3 7 9"),
    ("P046", "Enterprise data platform", "Transform", "IT Platform", "Chief Data Officer", "approved", False, "", "", "", 5, 13.0, "data", 0.40, 0.03, 0.35, "10 5 6 5 6"),
    ("P047", "Event streaming platform (Kafka)", "Grow", "IT Platform", "CIO", "proposed", False, "", "", "", 3, 6.5, "data", 0.25, 0.02, 0.25, "7 3 4 2 5"),
    ("P048", "Privileged access management", "Run", "IT Platform", "CISO", "proposed", False, "", "", "2027Q4", 3, 5.5, "security", 0.40, 0.0, 0.15, "6 1 1 8 10"),
    ("P049", "Mainframe batch offload", "Transform", "IT Platform", "CIO", "proposed", False, "", "2027Q3", "", 6, 11.0, "app", 0.20, 0.05, 0.50, "7 8 2 2 6"),
    ("P050", "Network access control refresh", "Run", "IT Platform", "CISO", "proposed", False, "", "", "", 2, 5.0, "security", 0.60, 0.0, 0.10, "4 1 1 5 8"),
    ("P051", "End-user device refresh 2027", "Run", "IT Platform", "Head of IT Service", "proposed", False, "", "2027Q2", "2027Q4", 2, 4.0, "infra", 2.00, 0.0, 0.05, "3 1 4 2 7"),
    ("P052", "Oracle database end-of-support upgrade", "Run", "IT Platform", "Head of Infrastructure", "approved", False, "", "", "2027Q3", 3, 7.0, "infra", 0.25, 0.0, 0.15, "3 2 1 4 9"),
    ("P053", "SIEM replacement & SOC uplift", "Run", "IT Platform", "CISO", "proposed", False, "", "", "", 4, 7.0, "security", 0.50, 0.0, 0.25, "6 2 2 7 9"),
    ("P054", "Cyber recovery vault", "Run", "IT Platform", "CISO", "proposed", False, "", "", "", 2, 5.0, "security", 0.70, 0.0, 0.15, "6 1 2 8 10"),
    ("P055", "ITSM platform consolidation (ServiceNow)", "Grow", "IT Platform", "Head of IT Service", "proposed", False, "", "", "", 3, 6.5, "saas", 0.40, 0.05, 0.20, "5 6 3 2 5"),
    ("P056", "MLOps platform", "Transform", "IT Platform", "Chief Data Officer", "proposed", False, "", "2027Q3", "", 3, 6.5, "data", 0.25, 0.03, 0.35, "8 4 3 4 4"),
    ("P057", "Kubernetes container platform", "Grow", "IT Platform", "CIO", "proposed", False, "", "", "", 4, 7.0, "infra", 0.20, 0.04, 0.30, "7 5 2 1 5"),
    ("P058", "Test automation factory", "Grow", "IT Platform", "CIO", "proposed", False, "", "", "", 3, 5.5, "app", 0.15, 0.07, 0.15, "5 6 3 1 6"),
    # HR
    ("P059", "Payroll harmonisation", "Run", "HR", "CHRO", "proposed", False, "", "", "", 3, 6.5, "saas", 0.30, 0.05, 0.25, "4 5 1 6 6"),
    ("P060", "Workforce analytics", "Grow", "HR", "CHRO", "proposed", False, "", "", "", 2, 5.0, "data", 0.20, 0.06, 0.20, "6 5 1 2 3"),
    ("P061", "Learning experience platform", "Grow", "HR", "CHRO", "proposed", False, "", "", "", 2, 4.0, "saas", 0.60, 0.05, 0.10, "5 4 1 3 2"),
    ("P062", "Talent acquisition system", "Grow", "HR", "CHRO", "proposed", False, "", "", "", 2, 4.0, "saas", 0.55, 0.06, 0.15, "5 5 1 2 2"),
    ("P063", "Employee self-service chatbot", "Grow", "HR", "CHRO", "on_hold", False, "", "", "", 2, 5.0, "digital", 0.30, 0.05, 0.30, "4 4 2 1 1"),
    ("P064", "Time & attendance replacement", "Run", "HR", "CHRO", "proposed", False, "", "", "2027Q4", 3, 5.0, "saas", 0.45, 0.03, 0.15, "3 3 1 5 5"),
    # Risk & Compliance
    ("P065", "Real-time fraud detection", "Transform", "Risk & Compliance", "CRO", "proposed", False, "", "", "", 4, 9.0, "data", 0.30, 0.08, 0.35, "8 8 7 6 9"),
    ("P066", "AML transaction monitoring upgrade", "Run", "Risk & Compliance", "Chief Compliance Officer", "proposed", False, "", "", "2027Q4", 4, 8.0, "reg", 0.35, 0.0, 0.30, "6 2 2 9 8"),
    ("P067", "KYC remediation tooling", "Run", "Risk & Compliance", "Chief Compliance Officer", "proposed", False, "", "", "", 3, 6.5, "reg", 0.20, 0.03, 0.20, "5 3 3 8 6"),
    ("P068", "Model risk management inventory", "Run", "Risk & Compliance", "CRO", "proposed", False, "", "", "", 2, 5.0, "data", 0.30, 0.0, 0.15, "5 1 1 7 6"),
    ("P069", "GRC platform on ServiceNow IRM", "Grow", "Risk & Compliance", "CRO", "proposed", False, "", "", "", 3, 6.5, "saas", 0.45, 0.03, 0.20, "6 3 1 7 7"),
    ("P070", "GRC platform on Archer", "Grow", "Risk & Compliance", "CRO", "proposed", False, "", "", "", 3, 5.5, "saas", 0.55, 0.03, 0.25, "5 3 1 7 7"),
    ("P071", "BCBS 239 data lineage & quality", "Run", "Risk & Compliance", "Chief Data Officer", "proposed", False, "", "", "", 4, 7.0, "data", 0.25, 0.0, 0.30, "7 2 1 9 7"),
    ("P072", "Third-party risk management tool", "Run", "Risk & Compliance", "CRO", "proposed", False, "", "", "", 2, 4.0, "saas", 0.50, 0.0, 0.10, "5 1 1 8 7"),
    # further ideas, closed and parked work
    ("P073", "Blockchain trade finance pilot", "Transform", "Operations", "COO", "cancelled", False, "", "", "", 3, 5.0, "digital", 0.30, 0.04, 0.50, "5 3 3 1 1"),
    ("P074", "SD-WAN rollout", "Run", "IT Platform", "Head of Infrastructure", "completed", False, "2025Q2", "", "", 4, 6.5, "infra", 0.80, 0.03, 0.15, "5 5 2 2 7"),
    ("P075", "Microsoft 365 tenant consolidation", "Run", "IT Platform", "Head of IT Service", "completed", False, "2025Q3", "", "", 3, 5.5, "infra", 0.50, 0.02, 0.15, "4 4 2 3 6"),
    ("P076", "Generative AI assistant for advisers", "Transform", "Sales & Marketing", "Chief Digital Officer", "proposed", False, "", "2028Q1", "", 3, 7.0, "data", 0.30, 0.09, 0.45, "9 6 8 1 1"),
    ("P077", "Post-quantum cryptography readiness", "Run", "IT Platform", "CISO", "proposed", False, "", "2027Q3", "", 3, 5.0, "security", 0.20, 0.0, 0.20, "5 1 1 5 7"),
    ("P078", "Insurance policy administration consolidation", "Transform", "Operations", "COO", "proposed", False, "", "", "", 7, 16.0, "erp", 0.70, 0.05, 0.50, "9 8 7 3 6"),
]
# fmt: on

#: (project_id, other_id, kind): requires = only with the other; follows = also starts after the
#: other finishes; excludes = alternatives, never both.
DEPENDENCIES = [
    ("P033", "P046", "requires"),  # Customer 360 analytics needs the enterprise data platform
    ("P034", "P033", "requires"),  # next-best-offer runs on Customer 360
    ("P056", "P046", "requires"),  # MLOps trains on the data platform
    ("P071", "P046", "requires"),  # BCBS 239 lineage is built on the data platform
    ("P060", "P046", "requires"),  # workforce analytics on the data platform
    ("P065", "P047", "requires"),  # real-time fraud scoring consumes the event stream
    ("P014", "P001", "requires"),  # Coupa integrates with S/4HANA
    ("P076", "P011", "requires"),  # a GenAI assistant only under AI Act governance
    ("P076", "P056", "requires"),  # ... and deployed through MLOps
    ("P031", "P040", "follows"),  # the portal calls its services through the gateway: once it runs
    ("P038", "P040", "follows"),  # open banking APIs are published on the gateway once it runs
    ("P029", "P007", "follows"),  # CRM consolidation after identity & access modernisation
    ("P030", "P007", "follows"),
    ("P013", "P001", "follows"),  # close automation once S/4HANA is live
    ("P032", "P031", "follows"),  # the app relaunch reuses the portal's services
    ("P042", "P041", "follows"),  # AIOps needs the observability data first
    ("P043", "P004", "follows"),  # data centre exit in two waves
    ("P045", "P002", "follows"),  # zero trust in two phases
    ("P059", "P005", "follows"),  # payroll after the HR cloud suite
    ("P029", "P030", "excludes"),  # two CRM vendors: one or the other
    ("P025", "P026", "excludes"),  # two contact-centre platforms
    ("P069", "P070", "excludes"),  # two GRC platforms
]

CRITERIA = [
    ("strategic_alignment", "benefit"),
    ("financial_return", "benefit"),
    ("customer_impact", "benefit"),
    ("regulatory_compliance", "benefit"),
    ("operational_risk_reduction", "benefit"),
    ("delivery_risk", "cost"),
]
#: Each stakeholder's priorities; the judgements are their ratios rounded to Saaty's 1–9 scale.
STAKEHOLDER_PRIORITIES = {
    "CIO": (0.30, 0.10, 0.13, 0.10, 0.22, 0.15),
    "CFO": (0.18, 0.35, 0.07, 0.20, 0.08, 0.12),
    "COO": (0.15, 0.12, 0.28, 0.12, 0.25, 0.08),
}
SAATY = [1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9]

#: Earned-value story of each in-flight project to the status date: (SPI, CPI) per period.
EV_HEALTH = {
    "P001": (0.98, 0.80),  # S/4HANA: on schedule, over budget (integrator change requests)
    "P002": (1.01, 1.02),  # zero trust phase 1: healthy
    "P003": (0.85, 0.98),  # IFRS 17 data: behind schedule (actuarial data late)
    "P004": (0.82, 0.79),  # data centre exit: in trouble on both
    "P005": (1.00, 0.97),  # Workday: healthy
    "P006": (0.86, 1.00),  # Windows Server: behind schedule (application owners' testing)
    "P007": (0.97, 0.82),  # identity & access: over budget (contractor rates)
}


# --------------------------------------------------------------------------- building
def project_table() -> pd.DataFrame:
    frame = pd.DataFrame(PROJECTS, columns=COLUMNS).set_index("project_id")
    if frame.index.duplicated().any():
        raise ValueError("duplicate project ids in PROJECTS")
    return frame


def delivery_profile(duration: int, role: str) -> np.ndarray:
    """Relative effort of ``role`` over a project's ``duration`` quarters (mean 1)."""
    if duration == 1:
        return np.ones(1)
    x = np.arange(duration) / (duration - 1)
    shape = 0.75 + 0.35 * np.sin(np.pi * x)  # ramp up, peak mid-way, ramp down
    if role in FRONT_LOADED:
        shape = shape * (1.45 - 0.9 * x)
    elif role in BACK_LOADED:
        shape = shape * (0.45 + 1.1 * x)
    return shape / shape.mean()


def build_demand(projects: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    parts = []
    for pid, p in projects.iterrows():
        mix = np.array(ROLE_MIX[p["mix"]])
        mix = mix * rng.uniform(0.85, 1.15, size=mix.size)
        mix = mix / mix.sum()
        for role, share in zip(ROLES, mix, strict=True):
            average = p["team"] * share
            if average < 0.2:
                continue
            profile = delivery_profile(int(p["duration"]), role)
            noise = rng.uniform(0.9, 1.1, size=profile.size)
            fte = np.round(average * profile * noise * 4) / 4  # quarter-FTE steps
            fte = np.maximum(fte, 0.25)
            parts.append(
                pd.DataFrame(
                    {"project_id": pid, "role": role, "offset": np.arange(fte.size), "fte": fte}
                )
            )
    return pd.concat(parts, ignore_index=True)


def build_cashflows(
    projects: pd.DataFrame, demand: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    labour = (
        demand.assign(cost=demand["fte"] * demand["role"].map(QUARTERLY_RATE))
        .groupby(["project_id", "offset"])["cost"]
        .sum()
    )
    later_years = np.random.default_rng([SEED, 1])
    parts = []
    for pid, p in projects.iterrows():
        duration = int(p["duration"])
        labour_cost = labour.loc[pid].reindex(range(duration), fill_value=0.0).to_numpy()
        # non-labour spend (licences, hardware, services) is front-loaded
        weight = np.linspace(1.3, 0.7, duration) if duration > 1 else np.ones(1)
        nonlabour = labour_cost.sum() * p["nonlabour"] * weight / weight.sum()
        cost = np.round((labour_cost + nonlabour) * rng.uniform(0.95, 1.05, duration), -3)
        total = cost.sum()
        # benefits: quarterly run rate after go-live, ramping up over a year, for five years
        # (a typical benefit life for business applications). The first two years' noise comes
        # from the main stream, the later years' from a stream of their own, so that extending
        # the benefit life left every other figure of the sample as it was.
        ramp = np.concatenate([[0.35, 0.6, 0.8], np.ones(17)])
        noise = np.concatenate([rng.uniform(0.9, 1.1, 8), later_years.uniform(0.9, 1.1, 12)])
        benefit = np.round(total * p["benefit"] * BENEFIT_SCALE * ramp * noise, -3)
        if p["benefit"] == 0:
            benefit = np.zeros(0)
        offsets = np.arange(duration + benefit.size)
        parts.append(
            pd.DataFrame(
                {
                    "project_id": pid,
                    "offset": offsets,
                    "cost": np.concatenate([cost, np.zeros(benefit.size)]),
                    "benefit": np.concatenate([np.zeros(duration), benefit]),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"cost": "int64", "benefit": "int64"})


def build_scores(projects: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for pid, p in projects.iterrows():
        given = [int(s) for s in p["scores"].split()]
        # delivery risk (a cost criterion): follows the probability of failure, with judgement
        risk_score = int(np.clip(round(p["risk"] * 18 + rng.normal(0, 0.8)), 0, 10))
        for (criterion, _), score in zip(CRITERIA, [*given, risk_score], strict=True):
            rows.append((pid, criterion, score))
    return pd.DataFrame(rows, columns=["project_id", "criterion", "score"])


def nearest_saaty(ratio: float) -> float:
    logs = np.log(SAATY)
    return SAATY[int(np.argmin(np.abs(logs - np.log(ratio))))]


def saaty_label(value: float) -> str:
    return str(round(value)) if value >= 1 else f"1/{round(1 / value)}"


def build_comparisons() -> pd.DataFrame:
    names = [c for c, _ in CRITERIA]
    rows = []
    for stakeholder, priorities in STAKEHOLDER_PRIORITIES.items():
        weight = dict(zip(names, priorities, strict=True))
        for a, b in itertools.combinations(names, 2):
            rows.append((stakeholder, a, b, saaty_label(nearest_saaty(weight[a] / weight[b]))))
    return pd.DataFrame(rows, columns=["stakeholder", "a", "b", "ratio"])


def build_actuals(
    projects: pd.DataFrame, cashflows: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    rows = []
    for pid, (spi, cpi) in EV_HEALTH.items():
        start = pd.Period(projects.at[pid, "start"], freq="Q")
        planned = cashflows[cashflows["project_id"] == pid].set_index("offset")["cost"]
        for offset in range(STATUS_DATE.ordinal - start.ordinal + 1):
            pv = float(planned.loc[offset])
            ev = round(pv * spi * rng.uniform(0.97, 1.03), -3)
            ac = round(ev / cpi * rng.uniform(0.97, 1.03), -3)
            rows.append((pid, str(start + offset), int(pv), int(ev), int(ac)))
    return pd.DataFrame(
        rows, columns=["project_id", "period", "planned_value", "earned_value", "actual_cost"]
    )


def placed(frame: pd.DataFrame, starts: pd.Series, amount: str, by: list[str]) -> pd.Series:
    """Amount per (by..., period) of ``frame`` for projects started at ``starts`` (in horizon)."""
    start_ord = starts.map(lambda p: p.ordinal)
    part = frame[frame["project_id"].isin(starts.index)]
    ordinal = part["project_id"].map(start_ord) + part["offset"]
    keep = ordinal.between(HORIZON[0].ordinal, HORIZON[-1].ordinal)
    part = part[keep].assign(period=[str(pd.Period(ordinal=o, freq="Q")) for o in ordinal[keep]])
    return part.groupby([*by, "period"])[amount].sum()


def earliest(projects: pd.DataFrame) -> pd.Series:
    """Each candidate's earliest start (in-flight: its start), as Periods."""
    candidates = projects[~projects["status"].isin(["completed", "cancelled"])]
    first = candidates["start"].where(
        candidates["status"] == "in_flight", candidates["earliest_start"]
    )
    first = first.replace("", str(HORIZON[0]))
    return first.map(lambda label: pd.Period(label, freq="Q"))


def build_limits(
    projects: pd.DataFrame, cashflows: pd.DataFrame, demand: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    starts = earliest(projects)
    periods = [str(p) for p in HORIZON]
    cost = placed(cashflows, starts, "cost", []).reindex(periods, fill_value=0)
    # budget: 2028 a little above 2027 (the plan for the second year), rounded to EUR 50k
    level = cost.sum() / COST_OVER_BUDGET / (4 * 1.0 + 4 * 1.04)
    amount = [
        round(level * (1.04 if p.startswith("2028") else 1.0) / 50_000) * 50_000 for p in periods
    ]
    budget = pd.DataFrame({"period": periods, "amount": amount})

    fte = placed(demand, starts, "fte", ["role"])
    rows = []
    for role in ROLES:
        total = fte.loc[role].sum()
        # a little growth in the scarce data and security roles in 2028 (planned hires)
        growth = 1.1 if role in ("Data Engineer", "Security Engineer") else 1.0
        level = total / DEMAND_OVER_CAPACITY[role] / (4 + 4 * growth)
        for p in periods:
            value = level * (growth if p.startswith("2028") else 1.0)
            rows.append((role, p, round(value * 2) / 2))
    capacity = pd.DataFrame(rows, columns=["role", "period", "fte"])
    return budget, capacity


def check_targets(
    projects: pd.DataFrame,
    cashflows: pd.DataFrame,
    demand: pd.DataFrame,
    budget: pd.DataFrame,
    capacity: pd.DataFrame,
    comparisons: pd.DataFrame,
) -> None:
    """Fail loudly when the curated tables miss the sample's design targets."""
    starts = earliest(projects)
    forced = projects.index[(projects["status"] == "in_flight") | projects["mandatory"]]
    forced_starts = starts[starts.index.isin(forced)]
    problems = []
    cost = placed(cashflows, forced_starts, "cost", [])
    share = cost / budget.set_index("period")["amount"].reindex(cost.index)
    if share.max() > 0.6:
        problems.append(f"forced work uses {share.max():.0%} of the budget in {share.idxmax()}")
    fte = placed(demand, forced_starts, "fte", ["role"])
    cap = capacity.set_index(["role", "period"])["fte"]
    share = fte / cap.reindex(fte.index)
    if share.max() > 0.6:
        problems.append(f"forced work uses {share.max():.0%} of {share.idxmax()}")
    # every follows pair can be met from the earliest start of the one it follows
    p = projects.assign(first=starts)
    for pid, other, kind in DEPENDENCIES:
        if kind == "follows":
            finish = p.at[other, "first"] + int(p.at[other, "duration"])
            last = HORIZON[-1] - int(p.at[pid, "duration"]) + 1
            if p.at[pid, "latest_start"]:
                last = min(last, pd.Period(p.at[pid, "latest_start"], freq="Q"))
            if finish > last:
                problems.append(f"{pid} cannot follow {other} inside the horizon")
        if (
            projects.at[pid, "mandatory"]
            and kind != "excludes"
            and not projects.at[other, "mandatory"]
        ):
            problems.append(f"mandatory {pid} depends on non-mandatory {other}")
    from pmo_analytics.scoring.ahp import ahp_weights

    for stakeholder, judgements in comparisons.groupby("stakeholder"):
        ratio = judgements["ratio"].map(lambda text: float(Fraction(text)))  # "1/3" → 0.333
        cr = ahp_weights(judgements.assign(ratio=ratio)).consistency_ratio
        if cr >= 0.1:
            problems.append(f"{stakeholder}'s judgements are inconsistent (CR {cr:.3f})")
    if problems:
        raise SystemExit("the sample misses its design targets:\n  " + "\n  ".join(problems))


def write_csv(frame: pd.DataFrame, folder: Path, name: str) -> None:
    frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="load the result and print figures")
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder to write (default: %(default)s)"
    )
    args = parser.parse_args(argv)

    rng = np.random.default_rng(SEED)
    projects = project_table()
    demand = build_demand(projects, rng)
    cashflows = build_cashflows(projects, demand, rng)
    scores = build_scores(projects, rng)
    comparisons = build_comparisons()
    actuals = build_actuals(projects, cashflows, rng)
    budget, capacity = build_limits(projects, cashflows, demand)
    check_targets(projects, cashflows, demand, budget, capacity, comparisons)

    args.out.mkdir(parents=True, exist_ok=True)
    out_projects = projects.reset_index()[
        ["project_id", "name", "category", "business_unit", "sponsor", "status"]
    ].assign(
        earliest_start=projects["earliest_start"].to_numpy(),
        latest_start=projects["latest_start"].to_numpy(),
        start=projects["start"].to_numpy(),
        duration=projects["duration"].to_numpy(),
        mandatory=np.where(projects["mandatory"], "true", "false"),
        value="",
        risk=projects["risk"].to_numpy(),
    )
    write_csv(out_projects, args.out, "projects")
    write_csv(cashflows, args.out, "cashflows")
    write_csv(demand, args.out, "demand")
    write_csv(capacity, args.out, "capacity")
    write_csv(budget, args.out, "budget")
    write_csv(
        pd.DataFrame(
            {
                "criterion": [c for c, _ in CRITERIA],
                "weight": "",
                "direction": [d for _, d in CRITERIA],
            }
        ),
        args.out,
        "criteria",
    )
    write_csv(scores, args.out, "scores")
    write_csv(comparisons, args.out, "comparisons")
    dependencies = pd.DataFrame(DEPENDENCIES, columns=["project_id", "other_id", "kind"])
    write_csv(dependencies, args.out, "dependencies")
    write_csv(actuals, args.out, "actuals")
    print(f"wrote {len(projects)} projects to {args.out}")
    if args.check:
        print_figures(args.out)


def print_figures(folder: Path) -> None:
    import warnings

    import pmo_analytics as pa
    from pmo_analytics.portfolio.utilisation import earliest_starts, utilisation

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        portfolio = pa.load_portfolio(folder)
    projects = portfolio.projects
    print(portfolio)
    print(projects["status"].value_counts().to_string(), "\n")
    print(projects.groupby(["category", "business_unit"]).size().unstack(fill_value=0), "\n")
    usage = utilisation(portfolio, earliest_starts(portfolio))
    totals = usage.groupby("resource")[["used", "available"]].sum()
    totals["ratio"] = totals["used"] / totals["available"]
    print(totals.round(2).to_string())


if __name__ == "__main__":
    main()
