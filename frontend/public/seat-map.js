// Placeholder seat map: renders every event's snapshot from GET /api/events/{id}.
const root = document.getElementById('events');
const LABELS = { AVAILABLE: 'available', HELD: 'held', SOLD: 'sold' };

async function render() {
  try {
    const { events } = await (await fetch('/api/events')).json();
    const sections = await Promise.all(events.map(async ({ eventId }) => {
      const { event, seats } = await (await fetch(`/api/events/${encodeURIComponent(eventId)}`)).json();
      const cells = seats.map((s) => `<div class="seat ${s.status}" title="${s.seatId}: ${LABELS[s.status]}" aria-label="${s.seatId} ${LABELS[s.status]}">${s.seatId}</div>`).join('');
      return `<section><h2>${escape(event.name)}</h2><p>${escape(event.venue ?? '')} · ${(event.priceCents / 100).toFixed(2)} ${event.currency}</p>
        <div class="stage">stage</div>
        <div class="grid" style="grid-template-columns: repeat(${event.seatsPerRow}, auto)">${cells}</div>
        <p class="legend"><span>🟩 available</span><span>▨ held</span><span>⬛ sold</span></p></section>`;
    }));
    root.innerHTML = sections.join('') || 'No events yet.';
  } catch (error) {
    root.textContent = `Could not load the seat map: ${error.message}`;
  }
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

render();
setInterval(render, 2000);
