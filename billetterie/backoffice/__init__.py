"""The organizer's back office: thin views over the services of the apps below."""
