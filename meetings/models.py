# Meetings, series, RSVPs, attendance and the topic backlog arrive with the meetings issue.
