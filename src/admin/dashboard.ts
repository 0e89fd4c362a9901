// The admin dashboard: one self-contained page (inline CSS/JS, no CDN: the server may have no internet).
// It holds no data itself: it asks for the token (kept in sessionStorage) and calls /admin/api.
// Every value from the API is written with textContent, never as HTML.

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,sans-serif;background:#f4f5f7;color:#1c1e21}
header{background:#0b6e4f;color:#fff;padding:10px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header .sp{flex:1}
main{padding:16px;display:grid;gap:16px;grid-template-columns:repeat(auto-fit,minmax(420px,1fr))}
section{background:#fff;border-radius:8px;padding:12px 14px;box-shadow:0 1px 2px #0002;overflow:auto}
section h2{font-size:15px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}td,th{padding:4px 6px;border-bottom:1px solid #eee;text-align:left;font-size:13px}
tr.click{cursor:pointer}tr.click:hover{background:#eef6f2}
input,select,textarea,button{font:inherit;padding:4px 6px}textarea{width:100%;min-height:48px}
button{cursor:pointer;border:1px solid #0b6e4f;background:#0b6e4f;color:#fff;border-radius:4px}
button.ghost{background:#fff;color:#0b6e4f}
.cards{display:flex;gap:8px;flex-wrap:wrap}.card{background:#eef6f2;border-radius:6px;padding:6px 10px;min-width:110px}
.card b{display:block;font-size:18px}
.bar{height:14px;background:#e5e7eb;border-radius:7px;overflow:hidden;min-width:160px}.bar>div{height:100%;background:#0b6e4f;transition:width .3s}
#drawer{position:fixed;top:0;right:0;width:min(520px,100%);height:100%;background:#fff;box-shadow:-2px 0 8px #0003;padding:14px;overflow:auto;display:none}
#drawer.open{display:block}.muted{color:#666}.err{color:#b00020}
#login{max-width:360px;margin:80px auto;background:#fff;padding:20px;border-radius:8px;box-shadow:0 1px 3px #0003}
#login input{width:100%;margin:8px 0}.hidden{display:none!important}
.tl li{margin:2px 0}.tag{display:inline-block;padding:0 6px;border-radius:8px;background:#eee;font-size:12px}
`;

const JS = `
const $=(s)=>document.querySelector(s);
function h(tag,attrs,...kids){const e=document.createElement(tag);for(const [k,v] of Object.entries(attrs||{})){if(v===undefined||v===null)continue;if(k.startsWith('on'))e.addEventListener(k.slice(2),v);else if(k==='testid')e.dataset.testid=v;else e.setAttribute(k,v)}for(const k of kids.flat()){if(k===null||k===undefined)continue;e.append(k instanceof Node?k:document.createTextNode(String(k)))}return e}
const fmt=(n)=>Math.round(n).toString().replace(/\\B(?=(\\d{3})+(?!\\d))/g,' ')+' FCFA';
const time=(t)=>new Date(t).toISOString().replace('T',' ').slice(0,19);
let token=sessionStorage.getItem('adminToken');
async function api(path,opts={}){const r=await fetch('/admin/api'+path,{...opts,headers:{'authorization':'Bearer '+token,...(opts.body?{'content-type':'application/json'}:{})}});
 if(r.status===401){logout('Jeton refusé / token refused');throw new Error('unauthorized')}
 const body=await r.json().catch(()=>({}));if(!r.ok)throw new Error(body.message||('HTTP '+r.status));return body}
function logout(msg){token=null;sessionStorage.removeItem('adminToken');$('#app').classList.add('hidden');$('#login').classList.remove('hidden');if(msg)$('#login-error').textContent=msg}
async function login(){token=$('#token').value.trim();$('#login-error').textContent='';
 try{await api('/stats')}catch(e){if(token)$('#login-error').textContent='Jeton refusé / token refused';return}
 sessionStorage.setItem('adminToken',token);$('#login').classList.add('hidden');$('#app').classList.remove('hidden');refreshAll()}
function refreshAll(){loadStats();loadBalance();loadOrders();loadAttention();loadCatalog();loadBroadcasts()}
async function loadStats(){const s=await api('/stats');const c=$('#stats');c.replaceChildren(
 h('div',{class:'card'},h('b',{testid:'stat-orders'},s.orders),'commandes'),h('div',{class:'card'},h('b',{testid:'stat-volume'},fmt(s.volume)),'volume'),
 h('div',{class:'card'},h('b',{testid:'stat-failures'},s.failures),'échecs'),h('div',{class:'card'},h('b',{testid:'stat-refunds'},s.refundsPending),'remb. en attente'));
 const max=Math.max(1,...s.byHour);const W=480,H=120,bw=W/24;const ns='http://www.w3.org/2000/svg';const svg=document.createElementNS(ns,'svg');
 svg.setAttribute('viewBox','0 0 '+W+' '+(H+14));svg.setAttribute('width','100%');svg.dataset.testid='volume-chart';
 s.byHour.forEach((v,i)=>{const bh=Math.round(H*v/max);const r=document.createElementNS(ns,'rect');r.setAttribute('x',i*bw+2);r.setAttribute('y',H-bh);r.setAttribute('width',bw-4);r.setAttribute('height',bh);r.setAttribute('fill','#0b6e4f');r.dataset.testid='chart-bar';r.dataset.hour=i;r.dataset.value=v;
  const t=document.createElementNS(ns,'title');t.textContent=i+'h: '+fmt(v);r.append(t);svg.append(r);
  if(i%3===0){const l=document.createElementNS(ns,'text');l.setAttribute('x',i*bw+2);l.setAttribute('y',H+12);l.setAttribute('font-size','10');l.textContent=i+'h';svg.append(l)}});
 $('#chart').replaceChildren(svg)}
async function loadBalance(){try{const b=await api('/balance');$('#balance').textContent=fmt(b.balance)+(b.watch&&b.watch.below?' ⚠️':'')}catch(e){$('#balance').textContent='indisponible'}}
async function loadOrders(){const q=new URLSearchParams();const st=$('#order-state').value;const s=$('#order-search').value.trim();if(st)q.set('state',st);if(s)q.set('search',s);
 const {orders}=await api('/orders?'+q);const tb=$('#orders tbody');tb.replaceChildren(...orders.map(o=>h('tr',{class:'click',testid:'order-row','data-id':o.id,onclick:()=>openOrder(o.id)},
 h('td',{},o.id),h('td',{},time(o.createdAt)),h('td',{},h('span',{class:'tag'},o.state)),h('td',{},o.codeService),h('td',{},fmt(o.amount)),h('td',{},o.recipient||o.account||''))));
 $('#orders-empty').classList.toggle('hidden',orders.length>0)}
async function openOrder(id){const {order,timeline}=await api('/orders/'+encodeURIComponent(id));const d=$('#drawer');
 d.replaceChildren(h('div',{},h('button',{class:'ghost',testid:'drawer-close',onclick:()=>d.classList.remove('open')},'Fermer'),
  h('h2',{testid:'drawer-title'},order.id+' — '+order.state),
  h('p',{},order.codeService+' · '+fmt(order.amount)+' · '+(order.recipient||order.account||'')),
  h('p',{class:'muted'},'Paiement '+order.payment.codeService+' · client '+order.customerId),
  order.tokens&&order.tokens.length?h('p',{},'Codes: '+order.tokens.join(' / ')):null,
  order.claimRef?h('p',{},'Réclamation '+order.claimRef):null,
  h('h3',{},'Chronologie'),h('ol',{class:'tl',testid:'timeline'},...timeline.map(e=>h('li',{testid:'timeline-entry','data-kind':e.kind},time(e.at)+' ',h('span',{class:'tag'},e.kind),' '+e.label+(e.detail?' — '+e.detail:''))))));
 d.classList.add('open')}
async function loadAttention(){const {orders,alerts}=await api('/attention');const box=$('#attention');
 box.replaceChildren(h('h3',{},'Commandes ('+orders.length+')'),h('ul',{},...orders.map(o=>h('li',{testid:'attention-order'},h('a',{href:'#',onclick:(e)=>{e.preventDefault();openOrder(o.id)}},o.id),' '+o.state+' · '+fmt(o.amount)+' · '+o.customerId+(o.claimRef?' · réclamation '+o.claimRef:'')))),
 h('h3',{},'Alertes ('+alerts.length+')'),h('ul',{},...alerts.map(a=>h('li',{testid:'alert'},time(a.at)+' ',h('b',{},a.kind),' '+a.message+' ',h('button',{class:'ghost',onclick:async()=>{await api('/alerts/'+a.id+'/resolve',{method:'POST'});loadAttention()}},'Résolu')))))}
async function loadCatalog(){const {entries,lastSync}=await api('/catalog');$('#sync-info').textContent=lastSync?('Dernier sync '+time(lastSync.at)+(lastSync.ok?'':' (échec)')):'';
 const ann=lastSync&&lastSync.ok&&lastSync.announcement;$('#use-announcement').classList.toggle('hidden',!ann);
 $('#use-announcement').onclick=()=>{if(!ann)return;$('#bc-fr').value=ann.fr||'';$('#bc-en').value=ann.en||'';$('#bc-wo').value=ann.wo||'';preview()};
 $('#catalog tbody').replaceChildren(...entries.map(e=>{const min=h('input',{type:'number',value:e.rules.min,style:'width:70px',testid:'rule-min'});const max=h('input',{type:'number',value:e.rules.max,style:'width:80px',testid:'rule-max'});const mul=h('input',{type:'number',value:e.rules.multiple,style:'width:55px',testid:'rule-multiple'});
  const cb=h('input',{type:'checkbox',testid:'catalog-toggle'});cb.checked=e.enabled;cb.addEventListener('change',async()=>{await api('/catalog/'+e.codeService,{method:'PATCH',body:JSON.stringify({enabled:cb.checked})});loadCatalog()});
  return h('tr',{testid:'catalog-row','data-code':e.codeService},h('td',{},cb),h('td',{},e.label,h('div',{class:'muted'},e.codeService)),h('td',{testid:'catalog-available'},e.available?'oui':'non'),h('td',{style:'white-space:nowrap'},min,' ',max,' ',mul,' ',
   h('button',{class:'ghost',testid:'rule-save',onclick:async()=>{try{await api('/catalog/'+e.codeService,{method:'PATCH',body:JSON.stringify({rules:{min:+min.value,max:+max.value,multiple:+mul.value}})});loadCatalog()}catch(err){alert(err.message)}}},'OK')))}))}
let poll=null;
async function loadBroadcasts(){const {broadcasts,subscribers}=await api('/broadcasts');$('#subscribers').textContent=subscribers;
 $('#bc-list').replaceChildren(...broadcasts.map(b=>h('div',{testid:'bc-item','data-id':b.id,'data-state':b.state,style:'margin:6px 0'},
  h('div',{},h('span',{class:'tag',testid:'bc-state'},b.state),' '+time(b.createdAt)+' — '+b.text.fr.slice(0,60)),
  h('div',{class:'bar',role:'progressbar','aria-valuemin':0,'aria-valuemax':100,'aria-valuenow':b.percent,testid:'bc-progress'},h('div',{style:'width:'+b.percent+'%'})),
  h('div',{class:'muted',testid:'bc-figures'},b.percent+'% · '+b.sent+' envoyés · '+(b.failed+b.unknown)+' échecs · '+b.skipped+' ignorés · '+b.left+' restants / '+b.total),
  b.state==='sending'||b.state==='draft'?h('button',{class:'ghost',testid:'bc-cancel',onclick:async()=>{await api('/broadcasts/'+b.id+'/cancel',{method:'POST'});loadBroadcasts()}},'Annuler'):null)));
 const live=broadcasts.some(b=>b.state==='sending');if(live&&!poll)poll=setInterval(loadBroadcasts,700);if(!live&&poll){clearInterval(poll);poll=null}}
function bcText(){const t={fr:$('#bc-fr').value.trim()};const en=$('#bc-en').value.trim(),wo=$('#bc-wo').value.trim();if(en)t.en=en;if(wo)t.wo=wo;return t}
function preview(){const t=bcText();const box=$('#bc-preview-box');if(!t.fr){box.replaceChildren(h('p',{class:'err'},'Texte français requis'));return}
 box.replaceChildren(h('p',{},'Aperçu pour '+$('#subscribers').textContent+' abonné(s) :'),...Object.entries(t).map(([l,v])=>h('pre',{testid:'bc-preview-'+l,style:'white-space:pre-wrap;background:#f6f6f6;padding:6px'},'['+l+'] '+v)),h('p',{class:'muted'},'Une ligne « Répondez STOP… » est ajoutée dans la langue du client.'));
 $('#bc-send').classList.remove('hidden')}
async function send(){const t=bcText();$('#bc-send').classList.add('hidden');$('#bc-preview-box').replaceChildren();await api('/broadcasts',{method:'POST',body:JSON.stringify({text:t,send:true})});loadBroadcasts()}
$('#login-btn').addEventListener('click',login);$('#token').addEventListener('keydown',e=>{if(e.key==='Enter')login()});
$('#logout').addEventListener('click',()=>logout());$('#order-search-btn').addEventListener('click',loadOrders);
$('#order-search').addEventListener('keydown',e=>{if(e.key==='Enter')loadOrders()});$('#order-state').addEventListener('change',loadOrders);
$('#refresh').addEventListener('click',refreshAll);$('#bc-preview').addEventListener('click',preview);$('#bc-send').addEventListener('click',send);
$('#sync').addEventListener('click',async()=>{const r=await api('/catalog/sync',{method:'POST'});$('#sync-info').textContent=r.ok?('+'+r.diff.added.length+' −'+r.diff.removed.length+' ✏️'+r.diff.renamed.length):('échec: '+r.error);loadCatalog()});
if(token){api('/stats').then(()=>{$('#login').classList.add('hidden');$('#app').classList.remove('hidden');refreshAll()}).catch(()=>{})}
`;

const STATES = [
  'created',
  'collecting',
  'collect_failed',
  'collected',
  'delivering',
  'delivered',
  'completed',
  'refunding',
  'refunded',
  'needs_human',
  'cancelled',
];

export function dashboardHtml(nonce: string): string {
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Xaalis Bot — admin</title><style>${CSS}</style></head>
<body>
<div id="login"><h2>Xaalis Bot — admin</h2><label for="token">Jeton d'accès / access token</label>
<input id="token" type="password" autocomplete="off" data-testid="token-input">
<button id="login-btn" data-testid="login">Entrer</button><p id="login-error" class="err" data-testid="login-error"></p></div>
<div id="app" class="hidden">
<header><h1>Xaalis Bot</h1><span>Solde marchand : <b id="balance" data-testid="balance">…</b></span><span class="sp"></span>
<button class="ghost" id="refresh">Rafraîchir</button><button class="ghost" id="logout" data-testid="logout">Quitter</button></header>
<main>
<section><h2>Aujourd'hui</h2><div class="cards" id="stats"></div><div id="chart"></div></section>
<section data-testid="attention-section"><h2>À traiter par une personne</h2><div id="attention" data-testid="attention"></div></section>
<section style="grid-column:1/-1"><h2>Commandes</h2>
<select id="order-state" data-testid="order-state"><option value="">tous les états</option>${STATES.map((s) => `<option>${s}</option>`).join('')}</select>
<input id="order-search" placeholder="référence, numéro, compte" data-testid="order-search">
<button id="order-search-btn" data-testid="order-search-btn">Chercher</button>
<table id="orders" data-testid="orders-table"><thead><tr><th>Réf</th><th>Date</th><th>État</th><th>Service</th><th>Montant</th><th>Bénéficiaire</th></tr></thead><tbody></tbody></table>
<p id="orders-empty" class="muted hidden">Aucune commande.</p></section>
<section><h2>Diffusions</h2><p class="muted"><span id="subscribers" data-testid="subscribers">0</span> abonné(s)</p>
<label>Français (obligatoire)<textarea id="bc-fr" data-testid="bc-fr"></textarea></label>
<label>English<textarea id="bc-en" data-testid="bc-en"></textarea></label>
<label>Wolof<textarea id="bc-wo" data-testid="bc-wo"></textarea></label>
<button id="bc-preview" data-testid="bc-preview">Aperçu</button> <button id="bc-send" class="hidden" data-testid="bc-send">Envoyer</button>
<div id="bc-preview-box" data-testid="bc-preview-box"></div><div id="bc-list" data-testid="bc-list"></div></section>
<section><h2>Catalogue</h2><button id="sync" class="ghost" data-testid="catalog-sync">Synchroniser</button> <span id="sync-info" class="muted"></span>
<button id="use-announcement" class="ghost hidden" data-testid="use-announcement">Diffuser l'annonce</button>
<table id="catalog" data-testid="catalog-table"><thead><tr><th>Actif</th><th>Service</th><th>Dispo</th><th>min / max / multiple</th></tr></thead><tbody></tbody></table></section>
</main></div>
<aside id="drawer" data-testid="order-drawer"></aside>
<script nonce="${nonce}">${JS}</script>
</body></html>`;
}
