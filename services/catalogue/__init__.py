"""The catalogue service: ESN activities and enrolments with capacity and waitlists."""
