# Survey templates, surveys, invitations and responses arrive with the feedback issue.
